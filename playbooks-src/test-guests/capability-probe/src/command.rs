//! The manual input: one action and its arguments.

use moat_sdk::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    Http {
        #[serde(default = "default_method")]
        method: String,
        url: String,
        #[serde(default)]
        headers: BTreeMap<String, String>,
        body: Option<String>,
    },
    Secret {
        name: String,
    },
    /// Writes `count` log lines of `message`.
    Log {
        message: String,
        #[serde(default = "one")]
        count: u64,
    },
    Connector {
        connector: String,
        connector_action: String,
        #[serde(default)]
        input: serde_json::Value,
    },
    Case {
        dedup_key: String,
        title: String,
        #[serde(default = "default_severity")]
        severity: Severity,
    },
    Note {
        case_id: String,
        body: String,
    },
    IntelLookup {
        kind: ObservableKind,
        value: String,
    },
    IntelAdd {
        kind: ObservableKind,
        value: String,
        #[serde(default = "default_verdict")]
        verdict: Verdict,
        #[serde(default = "default_source")]
        source: String,
        #[serde(default)]
        description: String,
    },
    StateSet {
        key: String,
        value: String,
    },
    StateGet {
        key: String,
    },
    Config {
        key: String,
    },
    /// Loops until the host stops the run.
    Spin,
    /// Allocates and touches `mb` MiB.
    Alloc {
        mb: u64,
    },
    /// Recurses `depth` calls deep.
    Recurse {
        depth: u64,
    },
    /// Returns a JSON string of `bytes` characters as the run data.
    Output {
        bytes: usize,
    },
    /// Increments a static counter and returns it.
    Global,
    /// Reads secret `name` and writes it to the log and the run data.
    EchoSecret {
        name: String,
    },
    /// Starts `count` GET requests to `url` before waiting for any of them,
    /// so that all are in flight at once.
    HttpBurst {
        url: String,
        count: u32,
    },
}

fn default_method() -> String {
    "GET".to_owned()
}

fn one() -> u64 {
    1
}

fn default_severity() -> Severity {
    Severity::Medium
}

fn default_verdict() -> Verdict {
    Verdict::Malicious
}

fn default_source() -> String {
    "capability-probe".to_owned()
}
