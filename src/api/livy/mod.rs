//! The Fabric Livy API: sessions, statements, batches, high-concurrency sessions, and the
//! workspace's Livy monitoring lists.

mod client;
pub mod models;
mod monitor;

pub use client::{API_VERSION, LivyClient};
pub use monitor::FabricMonitor;
