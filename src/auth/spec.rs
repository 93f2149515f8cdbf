//! Which identity to authenticate as: built by `config` from the config file,
//! `~/.databrickscfg` and the environment, turned into an `Authenticator` by this module.
//! Secrets are `SecretString`s (redacted `Debug`, zeroized on drop).

use std::path::PathBuf;

use secrecy::SecretString;

/// The AzureDatabricks first-party application id: the resource/audience of Entra tokens for
/// any Azure Databricks workspace.
pub const AZURE_DATABRICKS_APP_ID: &str = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
/// Scope for the Fabric REST and Livy APIs (service principals, managed identity, CLI).
pub const FABRIC_SCOPE: &str = "https://api.fabric.microsoft.com/.default";
/// Azure Resource Manager, for the Databricks SP management token.
pub const ARM_SCOPE: &str = "https://management.core.windows.net/.default";
/// Delegated scopes a signed-in user needs for the Livy API (prefix `https://api.fabric.microsoft.com/`).
pub const FABRIC_DELEGATED_SCOPES: &[&str] =
    &["Lakehouse.Execute.All", "Lakehouse.Read.All", "Code.AccessFabric.All", "Code.AccessStorage.All"];

/// An Entra ID (Azure AD) credential.
#[derive(Debug, Clone)]
pub enum EntraCredential {
    /// Service principal with a client secret.
    ClientSecret { tenant_id: String, client_id: String, client_secret: SecretString },
    /// Service principal with a certificate (PEM with key, or PKCS#12 `.pfx`/`.p12`).
    ClientCertificate {
        tenant_id: String,
        client_id: String,
        certificate_path: PathBuf,
        certificate_password: Option<SecretString>,
    },
    /// `az account get-access-token`.
    AzureCli { tenant_id: Option<String>, subscription: Option<String> },
    /// Delegated user sign-in with the device-code flow; the refresh token is kept between runs.
    DeviceCode { tenant_id: String, client_id: String },
    /// Managed identity (IMDS / App Service); `client_id` selects a user-assigned identity.
    ManagedIdentity { client_id: Option<String> },
    /// Workload identity federation (AKS, GitHub OIDC): a federated token file.
    WorkloadIdentity { tenant_id: String, client_id: String, token_file: PathBuf },
    /// A ready bearer token read from an environment variable.
    EnvironmentToken { variable: String },
}

/// Where Entra lives; overridable for sovereign clouds and tests.
#[derive(Debug, Clone, Default)]
pub struct EntraEndpoints {
    /// Authority host, default `https://login.microsoftonline.com` (or `AZURE_AUTHORITY_HOST`).
    pub authority_host: Option<String>,
    /// Managed identity endpoint, default IMDS `http://169.254.169.254/metadata/identity/oauth2/token`.
    pub imds_endpoint: Option<String>,
}

/// How to authenticate to one Fabric workspace.
#[derive(Debug, Clone)]
pub enum FabricAuth {
    Entra {
        credential: EntraCredential,
        endpoints: EntraEndpoints,
    },
    /// A fixed token (the simulator's demo token).
    Static {
        token: SecretString,
    },
    /// The configuration cannot sign in (an unset `*_env` variable, a missing client id): this
    /// workspace's error, while the others work.
    NotConfigured {
        message: String,
        fix: String,
    },
}

/// How to authenticate to one Databricks workspace.
#[derive(Debug, Clone)]
pub enum DatabricksAuth {
    /// Personal access token (`dapi…`).
    Pat { token: SecretString },
    /// The Databricks CLI's own sign-in (`databricks auth login`; `auth_type = databricks-cli`).
    DatabricksCli,
    /// Databricks OAuth machine-to-machine (client credentials against `{host}/oidc/v1/token`).
    OAuthM2M { client_id: String, client_secret: SecretString },
    /// Entra token for the AzureDatabricks application. With `sp_management_resource_id`, also
    /// send the ARM management token and the workspace resource id, so a service principal that is
    /// not yet a workspace user is admitted (and provisioned). `management_token` sends the ARM
    /// token even without a resource id, as the official SDKs do for `azure-client-secret`.
    Entra {
        credential: EntraCredential,
        endpoints: EntraEndpoints,
        sp_management_resource_id: Option<String>,
        management_token: bool,
    },
    /// The configuration cannot sign in (an unset `*_env` variable, a profile that is not
    /// there): this workspace's error, while the others work.
    NotConfigured { message: String, fix: String },
}
