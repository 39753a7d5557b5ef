//! Moat's WebAssembly host.
//!
//! The runtime compiles playbook and connector components, runs each call in
//! a fresh sandbox with only the grants of its manifest, and reports every
//! step as a typed [`events::RunEvent`]. Storage is not its concern: callers
//! pass a [`services::HostServices`] implementation.
//!
//! Main modules:
//! - [`engine`]: the shared engine, linker and component registry;
//! - [`execute`]: one playbook run or connector call, with its limits;
//! - [`manifest`]: the `moat.toml` format and its validation;
//! - [`policy`]: the outbound allowlist, address checks and HTTP hook;
//! - [`host`]: the `moat:platform` host interfaces;
//! - [`limits`]: per-run limits and their defaults;
//! - [`model`]: domain types shared with storage and the API;
//! - [`events`]: the execution-log event types.

pub mod bindings;
pub mod engine;
pub mod error;
pub mod event_log;
pub mod events;
pub mod execute;
pub mod host;
pub mod limits;
pub mod manifest;
pub mod mask;
pub mod model;
pub mod policy;
pub mod registry;
pub mod services;
pub mod store_state;

pub use engine::{Runtime, RuntimeConfig};
pub use error::RunFailure;
pub use execute::{ConnectorRequest, RunOutput, RunReport, RunRequest};
pub use manifest::Manifest;
