//! The files of a new project, embedded from `api/templates/`.
//!
//! `common/` holds the manifest, test cases and `.gitignore` that every
//! language shares, and `<language>/<kind>/` the sources and README. The
//! placeholders `{{name}}`, `{{moat_sdk_path}}` (a quoted TOML string)
//! and `{{test_format}}` (the test case format, in Markdown) are replaced
//! when the files are written.

use super::Language;
use moat_runtime::manifest::ComponentKind;

/// One file of a project: its path in the project, and its template text.
pub type TemplateFile = (&'static str, &'static str);

/// Values that replace the placeholders.
#[derive(Debug)]
pub struct Values {
    pub name: String,
    /// The SDK crate's folder, for Rust projects.
    pub moat_sdk_path: Option<String>,
}

macro_rules! template {
    ($path:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $path))
    };
}

const COMMON: [TemplateFile; 1] = [(".gitignore", template!("common/gitignore"))];

const PLAYBOOK_COMMON: [TemplateFile; 3] = [
    ("moat.toml", template!("common/playbook/moat.toml")),
    (
        "tests/suricata-alert.json",
        template!("common/playbook/tests/suricata-alert.json"),
    ),
    (
        "tests/manual-run.json",
        template!("common/playbook/tests/manual-run.json"),
    ),
];

const CONNECTOR_COMMON: [TemplateFile; 5] = [
    ("moat.toml", template!("common/connector/moat.toml")),
    (
        "tests/defang-url.json",
        template!("common/connector/tests/defang-url.json"),
    ),
    (
        "tests/defang-twice.json",
        template!("common/connector/tests/defang-twice.json"),
    ),
    (
        "tests/refang-address.json",
        template!("common/connector/tests/refang-address.json"),
    ),
    (
        "tests/missing-value.json",
        template!("common/connector/tests/missing-value.json"),
    ),
];

const PLAYBOOK_TEST_FORMAT: &str = template!("common/playbook/test-format.md");
const CONNECTOR_TEST_FORMAT: &str = template!("common/connector/test-format.md");

const RUST_PLAYBOOK: [TemplateFile; 3] = [
    ("Cargo.toml", template!("rust/playbook/Cargo.toml.in")),
    ("src/lib.rs", template!("rust/playbook/src/lib.rs")),
    ("README.md", template!("rust/playbook/README.md")),
];

const RUST_CONNECTOR: [TemplateFile; 3] = [
    ("Cargo.toml", template!("rust/connector/Cargo.toml.in")),
    ("src/lib.rs", template!("rust/connector/src/lib.rs")),
    ("README.md", template!("rust/connector/README.md")),
];

const PYTHON_PLAYBOOK: [TemplateFile; 2] = [
    ("app.py", template!("python/playbook/app.py")),
    ("README.md", template!("python/playbook/README.md")),
];

const PYTHON_CONNECTOR: [TemplateFile; 2] = [
    ("app.py", template!("python/connector/app.py")),
    ("README.md", template!("python/connector/README.md")),
];

const JS_PLAYBOOK: [TemplateFile; 2] = [
    ("app.js", template!("js/playbook/app.js")),
    ("README.md", template!("js/playbook/README.md")),
];

const JS_CONNECTOR: [TemplateFile; 2] = [
    ("app.js", template!("js/connector/app.js")),
    ("README.md", template!("js/connector/README.md")),
];

/// Returns every file of a new project of `language` and `kind`, rendered
/// with `values`, as (path in the project, contents).
pub fn render(
    language: Language,
    kind: ComponentKind,
    values: &Values,
) -> Vec<(&'static str, String)> {
    let (shared, test_format): (&[TemplateFile], &str) = match kind {
        ComponentKind::Playbook => (&PLAYBOOK_COMMON, PLAYBOOK_TEST_FORMAT),
        ComponentKind::Connector => (&CONNECTOR_COMMON, CONNECTOR_TEST_FORMAT),
    };
    let own: &[TemplateFile] = match (language, kind) {
        (Language::Rust, ComponentKind::Playbook) => &RUST_PLAYBOOK,
        (Language::Rust, ComponentKind::Connector) => &RUST_CONNECTOR,
        (Language::Python, ComponentKind::Playbook) => &PYTHON_PLAYBOOK,
        (Language::Python, ComponentKind::Connector) => &PYTHON_CONNECTOR,
        (Language::Js, ComponentKind::Playbook) => &JS_PLAYBOOK,
        (Language::Js, ComponentKind::Connector) => &JS_CONNECTOR,
    };
    COMMON
        .iter()
        .chain(shared)
        .chain(own)
        .map(|(path, text)| (*path, fill(text, values, test_format)))
        .collect()
}

fn fill(text: &str, values: &Values, test_format: &str) -> String {
    let sdk_path = values.moat_sdk_path.as_deref().unwrap_or_default();
    text.replace("{{test_format}}", test_format.trim_end())
        .replace("{{moat_sdk_path}}", sdk_path)
        .replace("{{name}}", &values.name)
}

/// Returns `text` as a TOML basic string, with quotes and escapes.
pub fn toml_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values {
            name: "demo-project".to_owned(),
            moat_sdk_path: Some(toml_string("/opt/moat/sdk")),
        }
    }

    #[test]
    fn every_placeholder_is_filled() {
        for language in Language::ALL {
            for kind in [ComponentKind::Playbook, ComponentKind::Connector] {
                for (path, text) in render(language, kind, &values()) {
                    assert!(
                        !text.contains("{{name}}"),
                        "{path} of {language:?} {kind:?}"
                    );
                    assert!(
                        !text.contains("{{moat_sdk_path}}"),
                        "{path} of {language:?} {kind:?}"
                    );
                    assert!(
                        !text.contains("{{test_format}}"),
                        "{path} of {language:?} {kind:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn manifests_parse_with_the_project_name() {
        for language in Language::ALL {
            for kind in [ComponentKind::Playbook, ComponentKind::Connector] {
                let files = render(language, kind, &values());
                let (_, text) = files
                    .iter()
                    .find(|(path, _)| *path == "moat.toml")
                    .expect("every project has a manifest");
                let manifest = moat_runtime::Manifest::parse(text).expect("the manifest is valid");
                assert_eq!(manifest.name, "demo-project");
                assert_eq!(manifest.kind, kind);
            }
        }
    }

    #[test]
    fn test_cases_parse_for_their_kind() {
        for kind in [ComponentKind::Playbook, ComponentKind::Connector] {
            for (path, text) in render(Language::Rust, kind, &values()) {
                if path.starts_with("tests/") {
                    super::super::test_case::parse(&text, kind)
                        .unwrap_or_else(|error| panic!("{path}: {error:#}"));
                }
            }
        }
    }

    #[test]
    fn toml_string_escapes_quotes_and_backslashes() {
        assert_eq!(toml_string(r#"C:\moat "x""#), r#""C:\\moat \"x\"""#);
        let parsed: toml::Value =
            toml::from_str(&format!("path = {}", toml_string("a\"b\\c\u{1}"))).expect("valid TOML");
        assert_eq!(parsed["path"].as_str(), Some("a\"b\\c\u{1}"));
    }
}
