//! The Fabric Livy API: sessions, statements, batches, high-concurrency sessions, and the
//! workspace's Livy monitoring lists, and the Spark application monitoring API (logs, resource
//! usage).

mod client;
pub mod models;
mod monitor;
mod spark_monitoring;

pub use client::{API_VERSION, LivyClient};
pub use monitor::FabricMonitor;
pub use spark_monitoring::{AppAddress, ItemType, SparkMonitoring};
