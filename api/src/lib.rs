//! The `moat` binary's library: HTTP API, storage, alert pipeline, run
//! queue workers and the command line.
//!
//! Main modules:
//! - [`routes`]: the axum router under `/api/v1`;
//! - [`ingest`] and [`normalize`]: from request bytes to stored alerts and
//!   queued runs;
//! - [`store`]: SQLite and PostgreSQL storage;
//! - [`worker`]: claims queued runs and executes them in the runtime;
//! - [`catalog`]: loads manifests and components from a folder;
//! - [`project`]: `moat new`, `moat build` and `moat test` for playbook
//!   and connector projects in Rust, Python and JavaScript;
//! - [`local_services`]: host services on an in-memory store, for
//!   `moat run` and `moat test`;
//! - [`cli`], [`serve`], [`local_run`], [`upload`]: the commands.

pub mod auth;
pub mod catalog;
pub mod cli;
pub mod error;
pub mod ingest;
pub mod local_run;
pub mod local_services;
pub mod normalize;
pub mod project;
pub mod routes;
pub mod serve;
pub mod state;
pub mod store;
pub mod triggers;
pub mod upload;
pub mod worker;
