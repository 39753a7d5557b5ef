//! Collecting observables from a record, valid or not.

use std::collections::HashSet;
use std::net::IpAddr;

use moat_runtime::model::ObservableKind;
use serde_json::Value;

use super::ExtractedObservable;
use super::fields::{basename, lookup, scalar_text};
use super::observable::canonical_observable;

/// Observables of one record, deduplicated by kind and value in the order
/// they were first seen.
#[derive(Debug, Default)]
pub struct ObservableSet {
    items: Vec<ExtractedObservable>,
    seen: HashSet<(ObservableKind, String)>,
}

impl ObservableSet {
    /// Validates `text` as `kind` and records it, keeping invalid values
    /// with the reason. Blank text is skipped, because sources write `""`
    /// or `-` for an absent value.
    pub fn add(&mut self, kind: ObservableKind, field: &str, text: &str) {
        if is_placeholder(text) {
            return;
        }

        let extracted = match canonical_observable(kind, text) {
            Ok(observable) => ExtractedObservable {
                kind: observable.kind,
                value: observable.value,
                field: field.to_string(),
                valid: true,
                error: None,
            },
            Err(error) => ExtractedObservable {
                kind,
                value: text.to_string(),
                field: field.to_string(),
                valid: false,
                error: Some(error),
            },
        };
        self.insert(extracted);
    }

    /// Adds an IP address, choosing IPv4 or IPv6 from its text.
    pub fn add_ip(&mut self, field: &str, text: &str) {
        let kind = if text.contains(':') {
            ObservableKind::Ipv6
        } else {
            ObservableKind::Ipv4
        };
        self.add(kind, field, text);
    }

    /// Adds an IP address when `text` is one, and a domain otherwise.
    pub fn add_domain_or_ip(&mut self, field: &str, text: &str) {
        match text.trim().parse::<IpAddr>() {
            Ok(_) => self.add_ip(field, text),
            Err(_) => self.add(ObservableKind::Domain, field, text),
        }
    }

    /// Adds the base name of a Windows or POSIX path as a file name.
    pub fn add_file_path(&mut self, field: &str, path: &str) {
        self.add(ObservableKind::FileName, field, basename(path));
    }

    /// Adds the value at `path` of `record`, or each element when it is an
    /// array, through `add_one`.
    pub fn add_field(
        &mut self,
        record: &Value,
        path: &str,
        mut add_one: impl FnMut(&mut Self, &str, &str),
    ) {
        let Some(found) = lookup(record, path) else {
            return;
        };

        let elements: Vec<&Value> = match found {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for element in elements {
            if let Some(text) = scalar_text(element) {
                add_one(self, path, &text);
            }
        }
    }

    /// Adds the value at `path` as `kind`.
    pub fn add_field_as(&mut self, record: &Value, path: &str, kind: ObservableKind) {
        self.add_field(record, path, |set, field, text| set.add(kind, field, text));
    }

    pub fn into_vec(self) -> Vec<ExtractedObservable> {
        self.items
    }

    /// Returns the canonical value of the first valid observable of `kind`
    /// that came from `field`.
    pub fn value_from(&self, field: &str, kind: ObservableKind) -> Option<&str> {
        self.items
            .iter()
            .find(|item| item.field == field && item.kind == kind && item.valid)
            .map(|item| item.value.as_str())
    }

    /// Returns the canonical value of the first valid observable from `field`.
    pub fn any_value_from(&self, field: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|item| item.field == field && item.valid)
            .map(|item| item.value.as_str())
    }

    fn insert(&mut self, extracted: ExtractedObservable) {
        let key = (extracted.kind, extracted.value.clone());
        if self.seen.insert(key) {
            self.items.push(extracted);
        }
    }
}

fn is_placeholder(text: &str) -> bool {
    let trimmed = text.trim();
    trimmed.is_empty() || trimmed == "-"
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn duplicates_dropped_by_kind_and_value() {
        let mut set = ObservableSet::default();
        set.add_ip("src_ip", "192.0.2.1");
        set.add_ip("flow.src_ip", "::ffff:192.0.2.1");
        set.add(ObservableKind::Hostname, "a", "Host-1");
        set.add(ObservableKind::Hostname, "b", "host-1");
        let items = set.into_vec();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].field, "src_ip");
        assert_eq!(items[1].value, "host-1");
    }

    #[test]
    fn invalid_value_kept_with_reason() {
        let mut set = ObservableSet::default();
        set.add(
            ObservableKind::Md5,
            "file.hash.md5",
            "9c0e42a47d34240a9a4101cc5d3bc5787dc5ad73",
        );
        let items = set.into_vec();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].kind, ObservableKind::Md5);
        assert!(!items[0].valid);
        assert_eq!(items[0].value, "9c0e42a47d34240a9a4101cc5d3bc5787dc5ad73");
        assert_eq!(
            items[0].error.as_deref(),
            Some("MD5 must be 32 hex characters, got 40")
        );
    }

    #[test]
    fn placeholders_skipped() {
        let mut set = ObservableSet::default();
        set.add_ip("IpAddress", "-");
        set.add(ObservableKind::User, "user", "  ");
        assert!(set.into_vec().is_empty());
    }

    #[test]
    fn array_field_adds_each_element() {
        let record = json!({"host": {"ip": ["192.0.2.5", "2001:db8::5"]}});
        let mut set = ObservableSet::default();
        set.add_field(&record, "host.ip", ObservableSet::add_ip);
        let items = set.into_vec();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].kind, ObservableKind::Ipv6);
    }
}
