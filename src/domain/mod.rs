//! What the UI and the headless commands show, independent of the wire: one status vocabulary
//! over every service's own states (the raw word is always kept next to it) and one row type.

pub mod action;
pub mod clock;
pub mod columns;
pub mod create;
pub mod job;
pub mod logs;
pub mod problem;
pub mod request;
pub mod resource;
pub mod service;
pub mod statement;
pub mod status;
pub mod timeline;
pub mod usage;

pub use action::{Action, Target};
pub use clock::Clock;
pub use columns::Column;
pub use problem::Problem;
pub use resource::{Detail, IDLE_TIMEOUT, Kind, Resource, format_duration, short_id};
pub use service::Service;
pub use status::Status;
