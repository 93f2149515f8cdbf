//! Typed async clients for the Fabric Livy API and the Databricks REST API, over one HTTP layer.
//! The only module that builds URLs.
//!
//! - [`http`]: the process-wide reqwest client and the per-workspace [`Endpoint`] (auth headers,
//!   timeouts, retries, the throttle [`gate`], token refresh, error parsing).
//! - [`activity`]: what the HTTP layer waits for right now (for a progress line); [`retries`]:
//!   the retries a workspace's calls made (for the monitor's event log).
//! - [`error`]: [`ApiError`], one type for every failure, from every body shape the services send.
//! - [`livy`], [`databricks`]: typed clients and tolerant wire models; [`onelake`]: uploads to a
//!   lakehouse's `Files/` through OneLake's ADLS Gen2 API.
//! - [`paging`]: lazy page streams; [`wire`]: enums with `Other`, [`Fetched`] objects with their
//!   raw JSON.

pub mod activity;
pub mod databricks;
pub mod error;
pub mod gate;
pub mod http;
pub mod livy;
pub mod onelake;
pub mod paging;
pub mod retries;
pub mod wire;

pub use databricks::DatabricksClient;
pub use error::{ApiError, ErrorKind};
pub use http::{ApiKind, Call, Endpoint, Idempotency, RetryPolicy, Timeouts, user_action};
pub use livy::LivyClient;
pub use onelake::OneLakeClient;
pub use paging::{Page, Pages};
pub use wire::Fetched;
