//! Field lookup in JSON records.

use serde_json::Value;

/// Looks up a dotted `path` such as `kibana.alert.rule.name`.
///
/// Each step matches either a nested object key or a literal key that
/// contains dots, because exporters write both `{"kibana":{"alert":…}}` and
/// `{"kibana.alert.rule.name":…}`.
pub fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let object = value.as_object()?;
    if let Some(found) = object.get(path) {
        return Some(found);
    }

    for (split, _) in path.match_indices('.') {
        if let Some(child) = object.get(&path[..split])
            && let Some(found) = lookup(child, &path[split + 1..])
        {
            return Some(found);
        }
    }
    None
}

/// Returns the text at `path` when it is a non-blank string or a number.
pub fn text(value: &Value, path: &str) -> Option<String> {
    scalar_text(lookup(value, path)?)
}

/// Returns the first of `paths` that has text.
pub fn first_text(value: &Value, paths: &[&str]) -> Option<String> {
    paths.iter().find_map(|path| text(value, path))
}

/// Converts a non-blank string or a number to text.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Returns the part of a Windows or POSIX path after its last separator.
pub fn basename(path: &str) -> &str {
    path.rsplit(['\\', '/']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lookup_nested_and_dotted() {
        let value = json!({"kibana.alert.rule.name": "flat", "a": {"b.c": {"d": 1}}});
        assert_eq!(
            lookup(&value, "kibana.alert.rule.name"),
            Some(&json!("flat"))
        );
        assert_eq!(lookup(&value, "a.b.c.d"), Some(&json!(1)));
        assert_eq!(lookup(&value, "a.b"), None);
    }

    #[test]
    fn text_skips_blank_and_objects() {
        let value = json!({"blank": " ", "n": 5760, "o": {}});
        assert_eq!(text(&value, "blank"), None);
        assert_eq!(text(&value, "n").as_deref(), Some("5760"));
        assert_eq!(text(&value, "o"), None);
    }

    #[test]
    fn basename_both_separators() {
        assert_eq!(basename("C:\\Windows\\System32\\cmd.exe"), "cmd.exe");
        assert_eq!(basename("/tmp/trojan.exe"), "trojan.exe");
        assert_eq!(basename("eicar.com"), "eicar.com");
    }
}
