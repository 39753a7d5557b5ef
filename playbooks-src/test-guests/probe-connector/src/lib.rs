//! Test connector for the host's sandbox and connector-chain tests.
//!
//! Host errors are returned unchanged, so a test can assert the error kind
//! and message the host produced.

mod actions;

use moat_sdk::prelude::*;
use serde_json::json;

const ACTIONS: [&str; 5] = ["http", "echo", "spin", "call", "secret"];

struct ProbeConnector;

impl Connector for ProbeConnector {
    fn describe() -> Vec<Action> {
        let any = json!({});
        vec![
            Action::new(
                "http",
                "Sends one HTTP request and returns its status, headers and body.",
                json!({
                    "type": "object",
                    "required": ["url"],
                    "properties": {
                        "method": { "type": "string" },
                        "url": { "type": "string" },
                        "headers": { "type": "object" },
                        "body": { "type": "string" }
                    }
                }),
                any.clone(),
            ),
            Action::new(
                "echo",
                "Returns its input unchanged.",
                any.clone(),
                any.clone(),
            ),
            Action::new(
                "spin",
                "Loops until the host stops the call.",
                any.clone(),
                any.clone(),
            ),
            Action::new(
                "call",
                "Invokes `action` of `connector` with `input` and returns its output.",
                json!({
                    "type": "object",
                    "required": ["connector", "action"],
                    "properties": {
                        "connector": { "type": "string" },
                        "action": { "type": "string" },
                        "input": {}
                    }
                }),
                any.clone(),
            ),
            Action::new(
                "secret",
                "Reads secret `name` and returns it as `value`.",
                json!({
                    "type": "object",
                    "required": ["name"],
                    "properties": { "name": { "type": "string" } }
                }),
                any,
            ),
        ]
    }

    fn invoke(action: String, input: String) -> Result<String, Error> {
        match action.as_str() {
            "http" => to_output(&actions::http(parse_input(&action, &input)?)?),
            "echo" => Ok(input),
            "spin" => actions::spin(),
            "call" => actions::call(parse_input(&action, &input)?),
            "secret" => to_output(&actions::secret(parse_input(&action, &input)?)?),
            _ => Err(unknown_action(&action, &ACTIONS)),
        }
    }
}

moat_sdk::export_connector!(ProbeConnector);
