//! JSON Schemas of the `lookup` action.

use serde_json::{Value, json};

pub fn lookup_input() -> Value {
    json!({
        "type": "object",
        "required": ["kind", "value"],
        "additionalProperties": false,
        "properties": {
            "kind": {
                "type": "string",
                "enum": ["ipv4", "ipv6", "domain", "url", "md5", "sha1", "sha256"]
            },
            "value": { "type": "string", "minLength": 1 }
        }
    })
}

pub fn lookup_output() -> Value {
    json!({
        "type": "object",
        "required": ["verdict", "score", "tags", "description"],
        "properties": {
            "verdict": {
                "type": "string",
                "enum": ["malicious", "suspicious", "benign", "unknown"]
            },
            "score": { "type": "integer", "minimum": 0, "maximum": 100 },
            "tags": { "type": "array", "items": { "type": "string" } },
            "description": { "type": "string" }
        }
    })
}
