//! Typed async clients for the Fabric Livy API and the Databricks REST API, over one HTTP layer.
//! The only module that builds URLs.

pub mod error;
pub mod gate;
pub mod http;

pub use error::{ApiError, ErrorKind};
pub use http::{Endpoint, Idempotency, RetryPolicy};
