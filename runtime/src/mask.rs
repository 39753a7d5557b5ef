//! Masking of secret values in everything a guest emits.
//!
//! Each secret is masked in the encodings a guest could plausibly produce:
//! as is, standard and URL-safe base64 (with and without padding), lower and
//! upper-case hex, and percent-encoding.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use std::sync::{Arc, RwLock};

/// Secrets shorter than this are not masked: replacing every `a` in a log
/// would hide nothing and garble everything. The secrets API rejects such
/// short values in the first place.
pub const MIN_MASKED_SECRET_LEN: usize = 4;

/// Shared list of secret values to mask, filled as a run loads secrets.
#[derive(Debug, Clone, Default)]
pub struct SecretMasker {
    inner: Arc<RwLock<Vec<(String, String)>>>,
}

impl SecretMasker {
    /// Adds the value of secret `name` in every encoding.
    pub fn add(&self, name: &str, value: &str) {
        if value.len() < MIN_MASKED_SECRET_LEN {
            return;
        }
        let replacement = format!("[secret:{name}]");
        let mut patterns = encodings(value)
            .into_iter()
            .map(|pattern| (pattern, replacement.clone()))
            .collect::<Vec<_>>();

        let mut inner = self
            .inner
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        inner.append(&mut patterns);
        inner.sort_by_key(|(pattern, _)| std::cmp::Reverse(pattern.len()));
        inner.dedup_by(|a, b| a.0 == b.0);
    }

    /// Returns `text` with every known secret value replaced by
    /// `[secret:NAME]`.
    pub fn mask(&self, text: &str) -> String {
        let inner = self
            .inner
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        let mut masked = text.to_owned();
        for (pattern, replacement) in inner.iter() {
            if masked.contains(pattern.as_str()) {
                masked = masked.replace(pattern.as_str(), replacement);
            }
        }
        masked
    }

    pub fn is_empty(&self) -> bool {
        self.inner
            .read()
            .map(|inner| inner.is_empty())
            .unwrap_or(false)
    }
}

fn encodings(value: &str) -> Vec<String> {
    let bytes = value.as_bytes();
    let mut all = vec![
        value.to_owned(),
        STANDARD.encode(bytes),
        STANDARD_NO_PAD.encode(bytes),
        URL_SAFE.encode(bytes),
        URL_SAFE_NO_PAD.encode(bytes),
        hex::encode(bytes),
        hex::encode_upper(bytes),
        percent_encode(value),
    ];
    all.sort();
    all.dedup();
    all
}

fn percent_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_encoding() {
        let masker = SecretMasker::default();
        masker.add("api_key", "s3cr3t/value+1");
        let encoded = [
            "s3cr3t/value+1".to_owned(),
            STANDARD.encode("s3cr3t/value+1"),
            URL_SAFE_NO_PAD.encode("s3cr3t/value+1"),
            hex::encode("s3cr3t/value+1"),
            hex::encode_upper("s3cr3t/value+1"),
            "s3cr3t%2Fvalue%2B1".to_owned(),
        ];
        for text in encoded {
            let masked = masker.mask(&format!("key={text};"));
            assert_eq!(masked, "key=[secret:api_key];", "encoding {text}");
        }
    }

    #[test]
    fn short_values_are_not_masked() {
        let masker = SecretMasker::default();
        masker.add("pin", "ab");
        assert_eq!(masker.mask("abc"), "abc");
    }
}
