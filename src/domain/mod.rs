//! What the UI and the headless commands show, independent of the wire: one status vocabulary
//! over every service's own states (the raw word is always kept next to it).

pub mod status;

pub use status::Status;
