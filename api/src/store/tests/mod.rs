//! Tests of the store. Each test runs against a fresh SQLite file and a
//! fresh PostgreSQL database, see `super::testing`.

mod alerts;
mod audit;
mod case_changes;
mod case_list;
mod case_open;
mod components;
mod connect;
mod host_services;
mod indicators;
mod run_events;
mod run_queue;
mod secrets;
mod state;
mod tokens;
