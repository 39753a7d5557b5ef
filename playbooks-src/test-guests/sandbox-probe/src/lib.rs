//! Test guest for the host's outbound policy and filesystem sandbox.
//!
//! A manual run takes `{"action": ..., ...}` and does one thing:
//!
//! - `raw_http` builds a `wasi:http` request from the given scheme,
//!   authority and path without the SDK's URL checks, so the host policy
//!   sees authorities the SDK would reject (a user name, say). It returns
//!   the status, headers and body text.
//! - `read_file` calls `std::fs::read` and returns whether it worked and
//!   the error text.
//!
//! A host error ends the run with the host's message, so a test can assert
//! the error kind and text the host produced.

mod raw_http;

use moat_sdk::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
enum Command {
    RawHttp {
        scheme: String,
        authority: String,
        #[serde(default = "root_path")]
        path_with_query: String,
        #[serde(default)]
        headers: BTreeMap<String, String>,
    },
    ReadFile {
        path: String,
    },
}

fn root_path() -> String {
    "/".to_owned()
}

struct SandboxProbe;

impl Playbook for SandboxProbe {
    fn run(trigger: Trigger) -> Result<RunOutput, Error> {
        let command: Command = trigger.manual_input()?;
        let data = match command {
            Command::RawHttp {
                scheme,
                authority,
                path_with_query,
                headers,
            } => raw_http::send(&scheme, &authority, &path_with_query, &headers)?,
            Command::ReadFile { path } => read_file(&path),
        };
        RunOutput::new("ok", &data)
    }
}

fn read_file(path: &str) -> Value {
    match std::fs::read(path) {
        Ok(bytes) => json!({ "read": true, "bytes": bytes.len() }),
        Err(error) => json!({
            "read": false,
            "error": error.to_string(),
            "error_kind": format!("{:?}", error.kind()),
        }),
    }
}

moat_sdk::export_playbook!(SandboxProbe);
