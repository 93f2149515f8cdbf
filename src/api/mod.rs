//! Typed async clients for the Fabric Livy API and the Databricks REST API, over one HTTP layer.
//! The only module that builds URLs.

pub mod databricks;
pub mod error;
pub mod gate;
pub mod http;
pub mod livy;

pub use databricks::DatabricksClient;
pub use error::{ApiError, ErrorKind};
pub use http::{Endpoint, Idempotency, RetryPolicy};
pub use livy::LivyClient;
