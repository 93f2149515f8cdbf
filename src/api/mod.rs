//! Typed async clients for the Fabric Livy API and the Databricks REST API, over one HTTP layer.
//! STUB: filled in by the API work item.
