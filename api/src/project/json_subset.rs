//! The "expected JSON is contained in the actual JSON" check of test cases.
//!
//! An expected object matches when each of its keys is present in the
//! actual object with a matching value, so extra keys in the output are
//! allowed. An expected array matches an actual array of the same length
//! whose items match one by one. Numbers match by value (`1` matches
//! `1.0`), and every other value matches only an equal value.

use serde_json::Value;

/// Maximum length of a value shown in a difference message, in characters.
const MAX_SHOWN_CHARS: usize = 200;

/// Returns the first place where `actual` does not contain `expected`,
/// as `path: what differs`, or `None` when it does. `path` names the root,
/// such as `data`.
pub fn first_difference(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            expected.iter().find_map(|(key, value)| {
                let child = format!("{path}.{key}");
                match actual.get(key) {
                    Some(found) => first_difference(value, found, &child),
                    None => Some(format!("{child}: missing, expected {}", show(value))),
                }
            })
        }
        (Value::Array(expected), Value::Array(actual)) => {
            if expected.len() != actual.len() {
                return Some(format!(
                    "{path}: expected {} items, got {}: {}",
                    expected.len(),
                    actual.len(),
                    show(&Value::Array(actual.clone()))
                ));
            }
            expected
                .iter()
                .zip(actual)
                .enumerate()
                .find_map(|(index, (value, found))| {
                    first_difference(value, found, &format!("{path}[{index}]"))
                })
        }
        (Value::Number(expected), Value::Number(actual))
            if expected.as_f64() == actual.as_f64() =>
        {
            None
        }
        _ if expected == actual => None,
        _ => Some(format!(
            "{path}: expected {}, got {}",
            show(expected),
            show(actual)
        )),
    }
}

/// Renders `value` as compact JSON, cut at [`MAX_SHOWN_CHARS`].
pub fn show(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extra_keys_in_output_match() {
        let actual = json!({"a": 1, "b": {"c": true, "d": "x"}});
        assert_eq!(
            first_difference(&json!({"b": {"c": true}}), &actual, "data"),
            None
        );
    }

    #[test]
    fn missing_key_is_named_with_path() {
        let actual = json!({"b": {"d": "x"}});
        let difference = first_difference(&json!({"b": {"c": true}}), &actual, "data");
        assert_eq!(
            difference.as_deref(),
            Some("data.b.c: missing, expected true")
        );
    }

    #[test]
    fn array_items_match_one_by_one() {
        let actual = json!([{"kind": "ipv4", "value": "192.0.2.1"}]);
        let difference = first_difference(&json!([{"value": "192.0.2.9"}]), &actual, "data");
        assert_eq!(
            difference.as_deref(),
            Some("data[0].value: expected \"192.0.2.9\", got \"192.0.2.1\"")
        );
    }

    #[test]
    fn array_length_must_match() {
        let difference = first_difference(&json!([1]), &json!([1, 2]), "output");
        assert_eq!(
            difference.as_deref(),
            Some("output: expected 1 items, got 2: [1,2]")
        );
    }

    #[test]
    fn numbers_match_by_value() {
        assert_eq!(first_difference(&json!(1), &json!(1.0), "output"), None);
        assert!(first_difference(&json!(1), &json!("1"), "output").is_some());
    }
}
