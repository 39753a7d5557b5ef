//! Test guest for the host's sandbox and grant tests.
//!
//! A manual run takes `{"action": ..., ...}` and does exactly one thing.
//! Host errors are returned unchanged, so a test can assert the error kind
//! and message the host produced.

mod burst;
mod command;
mod stress;

use command::Command;
use moat_sdk::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts `global` actions in this instance. It must read 1 on every run,
/// because each run gets a fresh instance.
static RUNS_IN_INSTANCE: AtomicU64 = AtomicU64::new(0);

struct CapabilityProbe;

impl Playbook for CapabilityProbe {
    fn run(trigger: Trigger) -> Result<RunOutput, Error> {
        let command: Command = trigger.manual_input()?;
        let data = execute(command)?;
        RunOutput::new("ok", &data)
    }
}

fn execute(command: Command) -> Result<Value, Error> {
    match command {
        Command::Http {
            method,
            url,
            headers,
            body,
        } => http_call(&method, &url, &headers, body),
        Command::Secret { name } => Ok(json!({ "value": secrets::get(&name)? })),
        Command::Log { message, count } => {
            for _ in 0..count {
                log::info(&message);
            }
            Ok(json!({ "lines": count }))
        }
        Command::Connector {
            connector,
            connector_action,
            input,
        } => connector_call(&connector, &connector_action, &input),
        Command::Case {
            dedup_key,
            title,
            severity,
        } => open_case(&dedup_key, &title, severity),
        Command::Note { case_id, body } => {
            cases::add_note(&case_id, &body)?;
            Ok(json!({}))
        }
        Command::IntelLookup { kind, value } => intel_lookup(kind, value),
        Command::IntelAdd {
            kind,
            value,
            verdict,
            source,
            description,
        } => {
            let indicator =
                Indicator::new(Observable::new(kind, value), verdict, source, description);
            intel::add(&indicator)?;
            Ok(json!({}))
        }
        Command::StateSet { key, value } => {
            state::set(&key, value.as_bytes())?;
            Ok(json!({}))
        }
        Command::StateGet { key } => {
            let value = state::get(&key)?.map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
            Ok(json!({ "value": value }))
        }
        Command::Config { key } => Ok(json!({ "value": config::get(&key) })),
        Command::Spin => stress::spin(),
        Command::Alloc { mb } => Ok(json!({ "allocated_mb": stress::allocate(mb) })),
        Command::Recurse { depth } => Ok(json!({ "depth": stress::recurse(depth) })),
        Command::Output { bytes } => Ok(Value::String("x".repeat(bytes))),
        Command::Global => {
            let value = RUNS_IN_INSTANCE.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(json!({ "value": value }))
        }
        Command::EchoSecret { name } => {
            let value = secrets::get(&name)?;
            moat_sdk::info!("secret {name} is {value}");
            Ok(json!({ "value": value }))
        }
        Command::HttpBurst { url, count } => burst::get_all(&url, count),
    }
}

fn http_call(
    method: &str,
    url: &str,
    headers: &BTreeMap<String, String>,
    body: Option<String>,
) -> Result<Value, Error> {
    let mut request = http::Request::new(method, url);
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    if let Some(body) = body {
        request = request.body(body);
    }

    let response = request.send()?;
    let headers: BTreeMap<&str, &str> = response
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    Ok(json!({
        "status": response.status,
        "body": response.text(),
        "headers": headers,
    }))
}

fn connector_call(connector: &str, action: &str, input: &Value) -> Result<Value, Error> {
    let output = connectors::invoke(connector, action, &input.to_string())?;
    Ok(serde_json::from_str(&output).unwrap_or(Value::String(output)))
}

fn open_case(dedup_key: &str, title: &str, severity: Severity) -> Result<Value, Error> {
    let case = cases::open_or_update(&CaseRequest::new(dedup_key, title, severity))?;
    Ok(json!({
        "id": case.id,
        "created": case.created,
        "severity": case.severity,
        "alert_count": case.alert_count,
    }))
}

fn intel_lookup(kind: ObservableKind, value: String) -> Result<Value, Error> {
    let indicators = intel::lookup(&Observable::new(kind, value))?;
    let indicators: Vec<Value> = indicators
        .into_iter()
        .map(|indicator| {
            json!({
                "value": indicator.value,
                "verdict": indicator.verdict,
                "source": indicator.source,
                "description": indicator.description,
            })
        })
        .collect();
    Ok(Value::Array(indicators))
}

moat_sdk::export_playbook!(CapabilityProbe);
