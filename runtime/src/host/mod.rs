//! Implementations of the `moat:platform` host interfaces.
//!
//! Each call checks the component's grants first; a denied call records a
//! `denied` event and returns the WIT `denied` error naming the manifest
//! line that would allow it.

mod cases;
mod config;
mod connectors;
pub mod convert;
mod grants;
mod http_policy;
mod intel;
mod log;
mod secrets;
mod state;
mod types;
