//! Rust guest SDK for Moat playbooks and connectors.
//!
//! Moat runs playbooks and connectors as WebAssembly components built for
//! `wasm32-wasip2`. This crate wraps the `moat:platform@0.1.0` host
//! interfaces in typed helpers and provides the export glue:
//!
//! - feature `playbook`: [`Playbook`](playbook::Playbook) and
//!   [`export_playbook!`];
//! - feature `connector`: [`Connector`](connector::Connector) and
//!   [`export_connector!`].
//!
//! Enable only the feature for the world the crate exports. Both features
//! may be on at once (Cargo unifies features across a workspace), because
//! each world's exports enter a component only through its macro.
//!
//! Every host call is checked against the component's `moat.toml` at run
//! time. A call the manifest does not grant returns [`Error::Denied`] with
//! a message naming the manifest line that would allow it.
//!
//! The crate also builds for the host target so that unit tests and clippy
//! run there. Host calls are only available inside a component: on any
//! other target they panic.

#[allow(
    unsafe_code,
    reason = "generated WIT bindings lift and lower values through raw pointers"
)]
pub mod bindings;

pub mod cases;
pub mod config;
pub mod connectors;
pub mod http;
pub mod intel;
pub mod log;
pub mod prelude;
pub mod secrets;
pub mod state;

#[cfg(feature = "connector")]
pub mod connector;
#[cfg(feature = "playbook")]
pub mod playbook;

mod alert;
mod error;
mod json;
mod observable;
mod output;
mod severity;
mod text_enum;
mod verdict;

pub use alert::{Alert, Trigger};
pub use error::Error;
pub use observable::{Observable, ObservableKind};
pub use output::RunOutput;
pub use severity::Severity;
pub use verdict::Verdict;

/// Serializes `value` to JSON text; failure is an `internal` error.
pub use json::to_json;
