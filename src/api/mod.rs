//! Typed async clients for the Fabric Livy API and the Databricks REST API, over one HTTP layer.
//! The only module that builds URLs.

pub mod error;

pub use error::{ApiError, ErrorKind};
