//! The languages a project can be written in, and how a folder's language
//! is recognised.

use anyhow::bail;
use std::path::Path;

/// Source language of a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Language {
    /// A `cdylib` crate on the `moat-sdk` crate, built by cargo.
    Rust,
    /// An `app.py` on `sdk-python`, built by componentize-py.
    Python,
    /// An `app.js` on `sdk-js`, built by componentize-js.
    Js,
}

impl Language {
    /// Every language, in `--lang` order.
    pub const ALL: [Language; 3] = [Language::Rust, Language::Python, Language::Js];

    /// Returns the `--lang` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
            Language::Js => "js",
        }
    }

    /// Returns the file whose presence marks a project of this language.
    pub fn marker_file(self) -> &'static str {
        match self {
            Language::Rust => "Cargo.toml",
            Language::Python => "app.py",
            Language::Js => "app.js",
        }
    }

    /// Detects the language of the project in `dir` from its marker file.
    pub fn detect(dir: &Path) -> anyhow::Result<Language> {
        let found: Vec<Language> = Language::ALL
            .into_iter()
            .filter(|language| dir.join(language.marker_file()).is_file())
            .collect();
        match found.as_slice() {
            [language] => Ok(*language),
            [] => bail!(
                "{} has none of Cargo.toml (Rust), app.py (Python) or app.js (JavaScript), so its language is unknown",
                dir.display()
            ),
            several => bail!(
                "{} has more than one language's entry file ({}); keep only the one of the project's language",
                dir.display(),
                several
                    .iter()
                    .map(|language| language.marker_file())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}
