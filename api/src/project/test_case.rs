//! The test case files of a project: `tests/*.json`, one case each.
//!
//! A playbook case sets `alert` (an alert record in any format that
//! `POST /api/v1/alerts` accepts) or `input` (the JSON of a manual run). A
//! connector case sets `action` and `input` (default `{}`). Each case then
//! sets `expect` or `expect_error`. For a playbook, `expect` may hold
//! `summary`, compared exactly, and `data`, which the output data must
//! contain (see [`super::json_subset`]). For a connector, the whole
//! output must contain `expect`. `expect_error` names the error kind that
//! the run must end with, such as `invalid`.

use anyhow::{Context, bail};
use moat_runtime::manifest::ComponentKind;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Error kinds a case can expect: the WIT `error` cases, and `trap` for a
/// guest that faulted.
pub const ERROR_KINDS: [&str; 8] = [
    "denied",
    "not-found",
    "invalid",
    "timeout",
    "limit-exceeded",
    "upstream",
    "internal",
    "trap",
];

/// One validated test case.
#[derive(Debug, Clone, PartialEq)]
pub enum TestCase {
    Playbook {
        trigger: CaseTrigger,
        expect: Expectation<PlaybookExpect>,
    },
    Connector {
        action: String,
        input: Value,
        expect: Expectation<Value>,
    },
}

/// What starts a playbook case's run.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseTrigger {
    /// An alert record, stored as if it had been posted to the API.
    Alert(Value),
    /// The JSON input of a manual run.
    Manual(Value),
}

/// The result a case expects.
#[derive(Debug, Clone, PartialEq)]
pub enum Expectation<T> {
    Output(T),
    /// The error kind, one of [`ERROR_KINDS`].
    Error(String),
}

/// The expected output of a playbook run.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaybookExpect {
    /// The exact summary, when set.
    pub summary: Option<String>,
    /// JSON that the output data must contain, when set.
    #[serde(default, deserialize_with = "present")]
    pub data: Option<Value>,
}

/// A case file as written, before the checks that depend on the kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    /// Free text for the reader, which is not checked.
    #[serde(default, rename = "description")]
    _description: Option<String>,
    alert: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    input: Option<Value>,
    action: Option<String>,
    #[serde(default, deserialize_with = "present")]
    expect: Option<Value>,
    expect_error: Option<String>,
}

/// Deserializes a field that may be `null` and is `None` only when absent.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// Returns the `*.json` files in `dir/tests`, sorted by name.
pub fn find(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let tests = dir.join("tests");
    let entries = std::fs::read_dir(&tests).with_context(|| {
        format!(
            "failed to read the test folder {}; put one JSON test case per file there",
            tests.display()
        )
    })?;
    let mut found = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path
            .extension()
            .is_some_and(|extension| extension == "json")
            && path.is_file()
        {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// Reads and checks the case file at `path` for a component of `kind`.
pub fn load(path: &Path, kind: ComponentKind) -> anyhow::Result<TestCase> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read {}", path.display()))?;
    parse(&text, kind)
}

/// Parses and checks the text of a case file for a component of `kind`.
pub fn parse(text: &str, kind: ComponentKind) -> anyhow::Result<TestCase> {
    let file: CaseFile = serde_json::from_str(text).context("invalid test case")?;
    match kind {
        ComponentKind::Playbook => playbook_case(file),
        ComponentKind::Connector => connector_case(file),
    }
}

fn playbook_case(file: CaseFile) -> anyhow::Result<TestCase> {
    if file.action.is_some() {
        bail!("`action` belongs in connector test cases, and this project is a playbook");
    }
    let trigger = match (file.alert, file.input) {
        (Some(alert), None) => CaseTrigger::Alert(alert),
        (None, Some(input)) => CaseTrigger::Manual(input),
        (Some(_), Some(_)) => {
            bail!(
                "set either `alert` (an alert record) or `input` (the JSON of a manual run), not both"
            )
        }
        (None, None) => {
            bail!("set `alert` to an alert record, or `input` to the JSON input of a manual run")
        }
    };
    let expect = expectation(file.expect, file.expect_error, |value| {
        serde_json::from_value::<PlaybookExpect>(value)
            .context("`expect` of a playbook case is an object with `summary` and `data`")
    })?;
    Ok(TestCase::Playbook { trigger, expect })
}

fn connector_case(file: CaseFile) -> anyhow::Result<TestCase> {
    if file.alert.is_some() {
        bail!("`alert` belongs in playbook test cases, and this project is a connector");
    }
    let Some(action) = file.action else {
        bail!("set `action` to the name of the connector action to call");
    };
    let input = file
        .input
        .unwrap_or_else(|| Value::Object(Default::default()));
    let expect = expectation(file.expect, file.expect_error, Ok)?;
    Ok(TestCase::Connector {
        action,
        input,
        expect,
    })
}

fn expectation<T>(
    expect: Option<Value>,
    expect_error: Option<String>,
    parse_output: impl FnOnce(Value) -> anyhow::Result<T>,
) -> anyhow::Result<Expectation<T>> {
    match (expect, expect_error) {
        (Some(output), None) => Ok(Expectation::Output(parse_output(output)?)),
        (None, Some(kind)) if ERROR_KINDS.contains(&kind.as_str()) => Ok(Expectation::Error(kind)),
        (None, Some(kind)) => bail!(
            "`expect_error` is `{kind}`, which is no error kind; use one of {}",
            ERROR_KINDS.join(", ")
        ),
        (Some(_), Some(_)) => bail!("set either `expect` or `expect_error`, not both"),
        (None, None) => {
            bail!("set `expect` (the expected output) or `expect_error` (an error kind)")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn playbook_alert_case_parses() {
        let text = r#"{"alert": {"title": "x"}, "expect": {"summary": "s", "data": {"n": 1}}}"#;
        let case = parse(text, ComponentKind::Playbook).expect("valid case");
        let expected = TestCase::Playbook {
            trigger: CaseTrigger::Alert(json!({"title": "x"})),
            expect: Expectation::Output(PlaybookExpect {
                summary: Some("s".to_owned()),
                data: Some(json!({"n": 1})),
            }),
        };
        assert_eq!(case, expected);
    }

    #[test]
    fn manual_input_may_be_null() {
        let text = r#"{"input": null, "expect_error": "invalid"}"#;
        let case = parse(text, ComponentKind::Playbook).expect("valid case");
        let expected = TestCase::Playbook {
            trigger: CaseTrigger::Manual(Value::Null),
            expect: Expectation::Error("invalid".to_owned()),
        };
        assert_eq!(case, expected);
    }

    #[test]
    fn connector_input_defaults_to_empty_object() {
        let case = parse(r#"{"action": "a", "expect": {}}"#, ComponentKind::Connector)
            .expect("valid case");
        let expected = TestCase::Connector {
            action: "a".to_owned(),
            input: json!({}),
            expect: Expectation::Output(json!({})),
        };
        assert_eq!(case, expected);
    }

    #[test]
    fn alert_and_input_together_are_rejected() {
        let text = r#"{"alert": {}, "input": {}, "expect": {}}"#;
        let error = parse(text, ComponentKind::Playbook)
            .unwrap_err()
            .to_string();
        assert!(error.contains("not both"), "{error}");
    }

    #[test]
    fn unknown_error_kind_is_rejected() {
        let text = r#"{"action": "a", "expect_error": "oops"}"#;
        let error = parse(text, ComponentKind::Connector)
            .unwrap_err()
            .to_string();
        assert!(error.contains("`oops`"), "{error}");
    }

    #[test]
    fn unknown_field_is_rejected() {
        let text = r#"{"action": "a", "expected": {}}"#;
        let error = format!("{:#}", parse(text, ComponentKind::Connector).unwrap_err());
        assert!(error.contains("expected"), "{error}");
    }
}
