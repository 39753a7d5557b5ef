//! The `moat.toml` manifest beside each component.
//!
//! Every grant defaults to nothing: a manifest with only `name`, `version`,
//! `kind` and `component` describes a component that can write log lines and
//! do nothing else.

use crate::limits::Limits;
use crate::model::{ObservableKind, Severity};
use crate::policy::allowlist::{AllowList, AllowListError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File name of a manifest inside a component's folder.
pub const MANIFEST_FILE: &str = "moat.toml";

/// World a component exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ComponentKind {
    Playbook,
    Connector,
}

impl ComponentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Playbook => "playbook",
            ComponentKind::Connector => "connector",
        }
    }
}

/// Access level for the `cases` and `intel` interfaces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    #[default]
    None,
    Read,
    Write,
}

/// A parsed and validated manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    pub kind: ComponentKind,
    #[serde(default)]
    pub description: String,
    /// Path of the `.wasm` component, relative to the manifest's folder.
    pub component: PathBuf,
    /// Alert filters that queue a run of this playbook; connectors have none.
    #[serde(default)]
    pub triggers: Vec<TriggerFilter>,
    #[serde(default)]
    pub grants: Grants,
    #[serde(default)]
    pub limits: Limits,
    /// Plain settings the component reads through the `config` interface.
    #[serde(default)]
    pub config: BTreeMap<String, String>,
}

/// One alert filter. Every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerFilter {
    /// Alert sources, such as `suricata` or `wazuh`; empty matches any.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Lowest alert severity that matches.
    pub min_severity: Option<Severity>,
    /// Case-insensitive substring of the alert title.
    pub title_contains: Option<String>,
    /// The alert must carry at least one valid observable of this kind.
    pub has_observable: Option<ObservableKind>,
}

/// Capabilities granted to the component. Everything absent is denied.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grants {
    /// `scheme://host[:port]` entries; see [`AllowList`].
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
    /// Secrets the component may use, by name.
    #[serde(default)]
    pub secrets: BTreeMap<String, SecretGrant>,
    /// Connectors this component may invoke, by name.
    #[serde(default)]
    pub connectors: Vec<String>,
    #[serde(default)]
    pub cases: Access,
    #[serde(default)]
    pub intel: Access,
    /// Whether the component may use its private key-value store.
    #[serde(default)]
    pub state: bool,
}

/// Permitted uses of one secret by a component.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretGrant {
    /// Hosts, in allowlist syntax, to which the host substitutes the
    /// secret's `{{secret.NAME}}` placeholder in request headers. Each must
    /// also be allowed by `allowed_outbound_hosts`.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Whether `secrets.get` may return the raw value.
    #[serde(default)]
    pub read: bool,
}

/// A manifest that could not be read or is invalid.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("failed to read manifest {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("invalid manifest: {0}")]
    Syntax(String),
    #[error("invalid manifest: {0}")]
    Invalid(String),
    #[error("invalid manifest: {0}")]
    AllowList(AllowListError),
}

impl From<AllowListError> for ManifestError {
    fn from(error: AllowListError) -> ManifestError {
        ManifestError::AllowList(error)
    }
}

impl Manifest {
    /// Reads and validates the manifest at `path`.
    pub fn from_file(path: &Path) -> Result<Manifest, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|error| ManifestError::Read {
            path: path.to_owned(),
            error,
        })?;
        Manifest::parse(&text)
    }

    /// Parses and validates manifest text.
    pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
        let manifest: Manifest =
            toml::from_str(text).map_err(|error| ManifestError::Syntax(error.to_string()))?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// Returns the component path resolved against the manifest's folder.
    pub fn component_path(&self, manifest_path: &Path) -> PathBuf {
        let folder = manifest_path.parent().unwrap_or(Path::new("."));
        folder.join(&self.component)
    }

    /// Returns the parsed `allowed_outbound_hosts`.
    pub fn allow_list(&self) -> Result<AllowList, AllowListError> {
        AllowList::parse(&self.grants.allowed_outbound_hosts)
    }

    fn validate(&self) -> Result<(), ManifestError> {
        validate_name("name", &self.name)?;
        if self.version.trim().is_empty() {
            return Err(invalid(
                "`version` is empty: set it, for example `version = \"0.1.0\"`",
            ));
        }
        if self.kind == ComponentKind::Connector && !self.triggers.is_empty() {
            return Err(invalid(
                "a connector cannot have `[[triggers]]`: remove them or set `kind = \"playbook\"`",
            ));
        }

        let allowed = self.allow_list()?;
        for (name, grant) in &self.grants.secrets {
            validate_name("secret name", name)?;
            validate_secret_hosts(name, grant, &allowed)?;
        }
        for connector in &self.grants.connectors {
            validate_name("connector name", connector)?;
        }

        self.limits.validate().map_err(ManifestError::Invalid)
    }
}

fn validate_secret_hosts(
    name: &str,
    grant: &SecretGrant,
    allowed: &AllowList,
) -> Result<(), ManifestError> {
    let bound = AllowList::parse(&grant.hosts)?;
    for entry in bound.entries() {
        if !allowed.covers(entry) {
            return Err(invalid(&format!(
                "secret `{name}` is bound to `{entry}`, which `allowed_outbound_hosts` does not allow: add `{entry}` to `allowed_outbound_hosts`"
            )));
        }
    }
    Ok(())
}

/// Checks a component, secret or connector name: 1 to 64 characters of
/// lower-case ASCII letters, digits, `-` and `_`, starting with a letter.
pub fn validate_name(what: &str, name: &str) -> Result<(), ManifestError> {
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    let starts_with_letter = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if (1..=64).contains(&name.len()) && valid_chars && starts_with_letter {
        return Ok(());
    }
    Err(invalid(&format!(
        "{what} `{name}` is invalid: use 1 to 64 lower-case letters, digits, `-` or `_`, starting with a letter"
    )))
}

fn invalid(message: &str) -> ManifestError {
    ManifestError::Invalid(message.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        name = "triage"
        version = "0.1.0"
        kind = "playbook"
        component = "triage.wasm"
    "#;

    #[test]
    fn minimal_manifest_grants_nothing() {
        let manifest = Manifest::parse(MINIMAL).expect("minimal manifest parses");
        assert!(manifest.grants.allowed_outbound_hosts.is_empty());
        assert!(manifest.grants.secrets.is_empty());
        assert_eq!(manifest.grants.cases, Access::None);
        assert_eq!(manifest.grants.intel, Access::None);
        assert!(!manifest.grants.state);
    }

    #[test]
    fn unknown_field_is_rejected() {
        let text = format!("{MINIMAL}\nallow_everything = true\n");
        let error = Manifest::parse(&text).unwrap_err().to_string();
        assert!(error.contains("allow_everything"), "{error}");
    }

    #[test]
    fn secret_bound_to_unlisted_host_is_rejected() {
        let text = format!(
            "{MINIMAL}\n[grants]\nallowed_outbound_hosts = [\"https://a.example\"]\n[grants.secrets.key]\nhosts = [\"https://b.example\"]\n"
        );
        let error = Manifest::parse(&text).unwrap_err().to_string();
        assert!(error.contains("https://b.example"), "{error}");
    }

    #[test]
    fn bad_name_is_rejected_with_rule() {
        let text = MINIMAL.replace("\"triage\"", "\"Triage Bot\"");
        let error = Manifest::parse(&text).unwrap_err().to_string();
        assert!(error.contains("`Triage Bot` is invalid"), "{error}");
    }
}
