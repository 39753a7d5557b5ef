//! The {{name}} connector: rewrites indicators so that they can be pasted
//! into notes and tickets without becoming live links, and back.
//!
//! `defang` turns `https://login.example.net` into
//! `hxxps://login[.]example[.]net`, and `refang` reverses it. Both take
//! `{"value": "..."}` and return `{"value": "...", "changed": bool}`.

use moat_sdk::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Maximum length of a value, in characters.
const MAX_VALUE_CHARS: usize = 4096;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    value: String,
}

#[derive(Serialize)]
struct Output {
    value: String,
    changed: bool,
}

struct Defanger;

impl Connector for Defanger {
    fn describe() -> Vec<Action> {
        vec![
            Action::new(
                "defang",
                "Rewrites a URL, domain, address or e-mail address so that it is not a live link.",
                input_schema(),
                output_schema(),
            ),
            Action::new(
                "refang",
                "Restores a value that `defang` rewrote.",
                input_schema(),
                output_schema(),
            ),
        ]
    }

    fn invoke(action: String, input: String) -> Result<String, Error> {
        match action.as_str() {
            "defang" => rewrite(&action, &input, defang),
            "refang" => rewrite(&action, &input, refang),
            _ => Err(unknown_action(&action, &["defang", "refang"])),
        }
    }
}

/// Parses and checks the input of `action`, applies `transform` to its
/// value and serializes the output.
fn rewrite(action: &str, input: &str, transform: fn(&str) -> String) -> Result<String, Error> {
    let input: Input = parse_input(action, input)?;
    let length = input.value.chars().count();
    if length == 0 || length > MAX_VALUE_CHARS {
        return Err(Error::invalid(format!(
            "`value` of action `{action}` must have 1 to {MAX_VALUE_CHARS} characters, not {length}"
        )));
    }
    let value = transform(&input.value);
    to_output(&Output {
        changed: value != input.value,
        value,
    })
}

/// Defangs `value`, refanging it first so that a defanged value stays as it
/// is.
fn defang(value: &str) -> String {
    let unlinked = swap_scheme(refang(value), "http", "hxxp");
    unlinked.replace('.', "[.]").replace('@', "[@]")
}

fn refang(value: &str) -> String {
    let plain = value.replace("[.]", ".").replace("[@]", "@");
    swap_scheme(plain, "hxxp", "http")
}

/// Replaces the scheme prefix `from` with `to` when `value` starts with
/// `from://` or `froms://`.
fn swap_scheme(value: String, from: &str, to: &str) -> String {
    let is_url = [format!("{from}://"), format!("{from}s://")]
        .iter()
        .any(|prefix| value.starts_with(prefix.as_str()));
    if is_url {
        format!("{to}{}", &value[from.len()..])
    } else {
        value
    }
}

fn input_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "value": {"type": "string", "minLength": 1, "maxLength": MAX_VALUE_CHARS}
        },
        "required": ["value"],
        "additionalProperties": false
    })
}

fn output_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "value": {"type": "string"},
            "changed": {"type": "boolean"}
        },
        "required": ["value", "changed"]
    })
}

moat_sdk::export_connector!(Defanger);
