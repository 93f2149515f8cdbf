//! Every model the API clients fetch, for the decoder fuzzers (`tests/fuzz_wire.rs` and
//! `fuzz/fuzz_targets/wire_decode.rs`): `each_model!(check, raw)` calls `check::<T>(name, raw)`
//! for each. Add a model here when a client starts fetching one.

#[macro_export]
macro_rules! each_model {
    ($check:ident, $raw:expr) => {
        $crate::each_model!(@each $check, $raw;
            LivyJob, LivySparkActivity, LivySession, StatementResponse, StatementsResponse,
            StatementCancellationResponse, HighConcurrencySessionResponse, ClusterDetails,
            ClusterEvent, CreateClusterResponse, SparkVersion, NodeType, Run, RunOutput, Job,
            RunNowResponse, SubmitRunResponse, RepairRunResponse, Created, ContextStatusResponse,
            CommandStatusResponse, User, ServicePrincipal, SecretScope, SecretMetadata, AclItem,
            PublicTokenInfo)
    };
    (@each $check:ident, $raw:expr; $($t:ident),*) => {
        $( $check::<$t>(stringify!($t), $raw); )*
    };
}
