//! The connector's actions.

use moat_sdk::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::hint::black_box;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpInput {
    #[serde(default = "default_method")]
    method: String,
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    body: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallInput {
    connector: String,
    action: String,
    #[serde(default)]
    input: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretInput {
    name: String,
}

/// Sends one request and returns `{"status", "body", "headers"}`.
pub fn http(input: HttpInput) -> Result<Value, Error> {
    let mut request = http::Request::new(&input.method, input.url);
    for (name, value) in &input.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    if let Some(body) = input.body {
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

/// Loops forever; `black_box` keeps the loop from being optimised away.
pub fn spin() -> Result<String, Error> {
    let mut counter: u64 = 0;
    loop {
        counter = black_box(counter.wrapping_add(1));
    }
}

/// Invokes another connector and returns its output unchanged.
pub fn call(input: CallInput) -> Result<String, Error> {
    connectors::invoke(&input.connector, &input.action, &input.input.to_string())
}

pub fn secret(input: SecretInput) -> Result<Value, Error> {
    Ok(json!({ "value": secrets::get(&input.name)? }))
}

fn default_method() -> String {
    "GET".to_owned()
}
