//! sparkdeck: a terminal monitor and console for Spark in Microsoft Fabric (Livy API) and
//! Azure Databricks. The binary is a thin shell over this library so tests can drive every layer.
//!
//! Layers: `api` talks HTTP, `auth` owns secrets and tokens, `config` reads files, `drafts`
//! keeps the editor's text and history on disk, `export` writes result tables as CSV and JSON,
//! `domain` is what the UI shows (rows with one
//! status vocabulary, actions, statements), `workspace` serves it from a connected service
//! (queries, actions, statements), `poll` schedules background refreshes, `effects` runs the
//! effects `app` asks for (actions, logs, statements, drafts), `app` is pure state + update,
//! `ui` renders, `tui` runs the loop and writes terminal escapes, `cli` composes them into
//! commands, `sim` is the embedded simulator of both services.

pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod domain;
pub mod drafts;
pub mod effects;
pub mod export;
pub mod poll;
pub mod raw_json;
pub mod saved_filters;
pub mod sim;
pub mod tui;
pub mod ui;
pub mod workspace;
