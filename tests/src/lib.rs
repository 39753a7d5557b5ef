//! Support for Moat's end-to-end tests.
//!
//! Everything here is real: the guest components are the release builds of
//! `playbooks-src`, the runtime is `moat-runtime`, storage is
//! `moat::store::Store` on a SQLite file, and upstream services are HTTP
//! servers on 127.0.0.1. The only substitutes are the runtime's resolver and
//! dialer, replaced by [`net::LoopbackNet`] so that tests can give names
//! public addresses while every connection stays on loopback.

pub mod client;
pub mod components;
pub mod fake_services;
pub mod harness;
pub mod logs;
pub mod net;
pub mod script_components;
pub mod server;
pub mod upstream;

pub use client::ApiClient;
pub use components::{wasm_bytes, wasm_path};
pub use harness::{FinishedRun, Harness, TestStore, manifest, open_store};
pub use net::LoopbackNet;
pub use upstream::{FakeUpstream, RecordedRequest, SilentUpstream};
