//! What the UI and the headless commands show, independent of the wire: one status vocabulary
//! over every service's own states (the raw word is always kept next to it) and one row type.

pub mod convert;
pub mod resource;
pub mod statement;
pub mod status;

pub use resource::{Detail, Kind, Resource, format_duration};
pub use status::Status;
