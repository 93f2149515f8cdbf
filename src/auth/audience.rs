//! Who a token is for. Entra speaks three dialects for the same audience: v2 scopes
//! (`…/.default`), v1 resources (IMDS, `az --resource`) and delegated scopes (device code), so
//! each audience carries all three spellings exactly as the services expect them.

use super::spec::{ARM_SCOPE, AZURE_DATABRICKS_APP_ID, FABRIC_DELEGATED_SCOPES, FABRIC_SCOPE};

/// The API a token is requested for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Fabric REST and Livy APIs.
    Fabric,
    /// The Power BI audience, also accepted by Fabric (the HC walkthrough uses it).
    PowerBi,
    /// The AzureDatabricks first-party application (any workspace).
    AzureDatabricks,
    /// Azure Resource Manager (the Databricks SP management token).
    Arm,
    /// Azure Storage: OneLake's ADLS Gen2 API (uploading a batch's local file).
    Storage,
}

const FABRIC_RESOURCE: &str = "https://api.fabric.microsoft.com";
const POWER_BI_SCOPE: &str = "https://analysis.windows.net/powerbi/api/.default";
const POWER_BI_RESOURCE: &str = "https://analysis.windows.net/powerbi/api";
const ARM_RESOURCE: &str = "https://management.core.windows.net/";
const DATABRICKS_SCOPE: &str = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default";
/// OneLake takes Azure Storage tokens, not Fabric API ones (fabric-livy.md §1.6).
const STORAGE_SCOPE: &str = "https://storage.azure.com/.default";
const STORAGE_RESOURCE: &str = "https://storage.azure.com/";
/// The delegated permission Azure Storage defines for signed-in users.
const STORAGE_DELEGATED: &str = "https://storage.azure.com/user_impersonation";

impl Audience {
    /// The v2 client-credentials scope (`…/.default`).
    pub fn scope(self) -> &'static str {
        match self {
            Audience::Fabric => FABRIC_SCOPE,
            Audience::PowerBi => POWER_BI_SCOPE,
            Audience::AzureDatabricks => DATABRICKS_SCOPE,
            Audience::Arm => ARM_SCOPE,
            Audience::Storage => STORAGE_SCOPE,
        }
    }

    /// The v1 resource, as IMDS and `az account get-access-token --resource` take it.
    pub fn resource(self) -> &'static str {
        match self {
            Audience::Fabric => FABRIC_RESOURCE,
            Audience::PowerBi => POWER_BI_RESOURCE,
            Audience::AzureDatabricks => AZURE_DATABRICKS_APP_ID,
            Audience::Arm => ARM_RESOURCE,
            Audience::Storage => STORAGE_RESOURCE,
        }
    }

    /// Scopes a signed-in user asks for (device code). Fabric wants its named delegated scopes;
    /// the others accept `.default` for delegated tokens too.
    pub fn delegated_scopes(self) -> Vec<String> {
        match self {
            Audience::Fabric => {
                FABRIC_DELEGATED_SCOPES.iter().map(|s| format!("{FABRIC_RESOURCE}/{s}")).collect()
            }
            Audience::Storage => vec![STORAGE_DELEGATED.to_string()],
            other => vec![other.scope().to_string()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_match_the_references() {
        assert_eq!(Audience::AzureDatabricks.scope(), format!("{AZURE_DATABRICKS_APP_ID}/.default"));
        assert_eq!(Audience::Arm.resource(), "https://management.core.windows.net/");
        assert_eq!(
            Audience::Fabric.delegated_scopes()[0],
            "https://api.fabric.microsoft.com/Lakehouse.Execute.All"
        );
        assert_eq!(Audience::Fabric.delegated_scopes().len(), FABRIC_DELEGATED_SCOPES.len());
        assert_eq!(Audience::Storage.scope(), "https://storage.azure.com/.default");
        assert_eq!(Audience::Storage.resource(), "https://storage.azure.com/");
    }
}
