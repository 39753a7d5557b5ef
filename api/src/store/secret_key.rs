//! The key that encrypts stored secrets, and where it comes from.

use super::database_url::DatabaseUrl;
use anyhow::{Context, bail};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use tracing::info;

/// Environment variable that contains the key as 64 hexadecimal characters.
pub const SECRET_KEY_ENV: &str = "MOAT_SECRET_KEY";

/// File name of the key file.
pub const KEY_FILE_NAME: &str = "moat.key";

const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;

/// 256-bit XChaCha20-Poly1305 key for secret values.
#[derive(Clone)]
pub struct SecretKey([u8; KEY_BYTES]);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(redacted)")
    }
}

/// Error for a key text that is not 64 hexadecimal characters. It never
/// contains the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected 64 hexadecimal characters (32 bytes)")]
pub struct InvalidKeyFormat;

/// Error of [`SecretKey::encrypt`]. XChaCha20-Poly1305 only rejects
/// plaintexts of about 256 GiB or more.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("encryption failed: the value is too large")]
pub struct EncryptError;

/// Error of [`SecretKey::decrypt`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("decryption failed: wrong key, or the value was changed or stored under another name")]
pub struct DecryptError;

impl SecretKey {
    /// Loads the key from `MOAT_SECRET_KEY` when it is set, otherwise from
    /// the key file that [`SecretKey::key_file_path`] picks for
    /// `database_url_or_dir`, creating that file on first start.
    pub fn load(database_url_or_dir: &str) -> anyhow::Result<SecretKey> {
        match std::env::var(SECRET_KEY_ENV) {
            Ok(text) => {
                let key = SecretKey::from_hex(&text)
                    .with_context(|| format!("invalid {SECRET_KEY_ENV}"))?;
                info!(source = SECRET_KEY_ENV, "secret key loaded");
                Ok(key)
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                bail!("invalid {SECRET_KEY_ENV}: {InvalidKeyFormat}")
            }
            Err(std::env::VarError::NotPresent) => {
                SecretKey::load_or_create(&SecretKey::key_file_path(database_url_or_dir))
            }
        }
    }

    /// Returns the key file for a database URL: `moat.key` next to a SQLite
    /// file, inside the directory when given a directory path, and
    /// `./moat.key` otherwise.
    pub fn key_file_path(database_url_or_dir: &str) -> PathBuf {
        match DatabaseUrl::parse(database_url_or_dir) {
            Ok(DatabaseUrl::SqliteFile(path)) => match path.parent() {
                Some(parent) => parent.join(KEY_FILE_NAME),
                None => PathBuf::from(KEY_FILE_NAME),
            },
            Ok(DatabaseUrl::SqliteMemory | DatabaseUrl::Postgres(_)) => {
                PathBuf::from(KEY_FILE_NAME)
            }
            Err(_) => Path::new(database_url_or_dir).join(KEY_FILE_NAME),
        }
    }

    /// Reads the key file at `path`, or creates it with mode 0600 and a new
    /// random key when it does not exist.
    ///
    /// On Unix, a file that group or others can access is rejected.
    pub fn load_or_create(path: &Path) -> anyhow::Result<SecretKey> {
        match create_key_file(path) {
            Ok(key) => {
                info!(path = %path.display(), "secret key file created");
                Ok(key)
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => read_key_file(path),
            Err(error) => Err(error)
                .with_context(|| format!("failed to create secret key file {}", path.display())),
        }
    }

    /// Parses 64 hexadecimal characters, ignoring surrounding whitespace.
    pub fn from_hex(text: &str) -> Result<SecretKey, InvalidKeyFormat> {
        let mut bytes = [0u8; KEY_BYTES];
        hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| InvalidKeyFormat)?;
        Ok(SecretKey(bytes))
    }

    /// Returns a new random key.
    pub fn generate() -> SecretKey {
        let mut bytes = [0u8; KEY_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        SecretKey(bytes)
    }

    /// Encrypts `plaintext` and returns the random nonce followed by the
    /// ciphertext. `name` is the associated data, so the result only
    /// decrypts under the same name.
    pub fn encrypt(&self, name: &str, plaintext: &[u8]) -> Result<Vec<u8>, EncryptError> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext,
            aad: name.as_bytes(),
        };

        let ciphertext = self
            .cipher()
            .encrypt(XNonce::from_slice(&nonce), payload)
            .map_err(|_| EncryptError)?;

        let mut stored = Vec::with_capacity(NONCE_BYTES + ciphertext.len());
        stored.extend_from_slice(&nonce);
        stored.extend_from_slice(&ciphertext);
        Ok(stored)
    }

    /// Decrypts a value produced by [`SecretKey::encrypt`] for `name`.
    pub fn decrypt(&self, name: &str, stored: &[u8]) -> Result<Vec<u8>, DecryptError> {
        if stored.len() < NONCE_BYTES {
            return Err(DecryptError);
        }
        let (nonce, ciphertext) = stored.split_at(NONCE_BYTES);
        let payload = Payload {
            msg: ciphertext,
            aad: name.as_bytes(),
        };
        self.cipher()
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| DecryptError)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }

    fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

fn create_key_file(path: &Path) -> std::io::Result<SecretKey> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)?;
    }

    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;

    let key = SecretKey::generate();
    file.write_all(format!("{}\n", key.to_hex()).as_bytes())?;
    file.sync_all()?;
    Ok(key)
}

fn read_key_file(path: &Path) -> anyhow::Result<SecretKey> {
    check_key_file_mode(path)?;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read secret key file {}", path.display()))?;
    let key = SecretKey::from_hex(&text)
        .with_context(|| format!("invalid secret key file {}", path.display()))?;
    info!(path = %path.display(), "secret key file loaded");
    Ok(key)
}

#[cfg(unix)]
fn check_key_file_mode(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;

    let metadata = std::fs::metadata(path)
        .with_context(|| format!("failed to read secret key file {}", path.display()))?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        bail!(
            "secret key file {} is accessible by group or others (mode {mode:04o}); run `chmod 600 {}`",
            path.display(),
            path.display()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_key_file_mode(_path: &Path) -> anyhow::Result<()> {
    // NOTE: file modes are only checked on Unix.
    Ok(())
}
