//! API tokens. Only the SHA-256 of each token is stored.

use super::Store;
use super::clock::{new_id, now_ms};
use super::columns::parse_column;
use super::error::{StoreError, StoreResult};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use moat_runtime::model::ParseEnumError;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::fmt;
use std::str::FromStr;
use tracing::info;

/// Prefix of every token, so that secret scanners can recognise them.
pub const TOKEN_PREFIX: &str = "moat_";

/// Random bytes in a token.
const TOKEN_RANDOM_BYTES: usize = 32;

/// Permission level of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenRole {
    /// Submit alerts only.
    Ingest,
    /// Read and change cases, and start runs.
    Analyst,
    /// Everything, including secrets, components and tokens.
    Admin,
}

/// A token's identity, as returned by [`Store::authenticate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub role: TokenRole,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// Unix milliseconds of the previous use, before this authentication.
    pub last_used_at_ms: Option<i64>,
}

impl Store {
    /// Creates a token and returns its id and the token text, which is
    /// shown once and not stored.
    pub async fn create_token(&self, name: &str, role: TokenRole) -> StoreResult<(String, String)> {
        if name.trim().is_empty() {
            return Err(StoreError::Invalid("token name is empty".to_owned()));
        }
        let mut random = [0u8; TOKEN_RANDOM_BYTES];
        rand::rng().fill_bytes(&mut random);
        let token = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(random));
        let id = new_id();

        sqlx::query(
            "INSERT INTO api_tokens (id, name, role, token_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(name)
        .bind(role.as_str())
        .bind(token_hash(&token))
        .bind(now_ms())
        .execute(&self.pool)
        .await?;

        info!(token_id = %id, name, role = role.as_str(), "api token created");
        Ok((id, token))
    }

    /// Returns the token's identity when `token` is a stored token, and
    /// records the time of use.
    pub async fn authenticate(&self, token: &str) -> StoreResult<Option<TokenInfo>> {
        if !token.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }

        let row = sqlx::query(
            "SELECT id, name, role, created_at, last_used_at FROM api_tokens WHERE token_hash = $1",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let info = TokenInfo {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            role: parse_column(&row, "role")?,
            created_at_ms: row.try_get("created_at")?,
            last_used_at_ms: row.try_get("last_used_at")?,
        };

        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(&info.id)
            .execute(&self.pool)
            .await?;
        Ok(Some(info))
    }
}

/// Returns the lowercase hex SHA-256 of the token text.
fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl TokenRole {
    pub const ALL: [TokenRole; 3] = [TokenRole::Ingest, TokenRole::Analyst, TokenRole::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenRole::Ingest => "ingest",
            TokenRole::Analyst => "analyst",
            TokenRole::Admin => "admin",
        }
    }
}

impl fmt::Display for TokenRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TokenRole {
    type Err = ParseEnumError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let wanted = value.trim().to_ascii_lowercase();
        TokenRole::ALL
            .into_iter()
            .find(|role| role.as_str() == wanted)
            .ok_or_else(|| ParseEnumError {
                what: "token role",
                value: value.to_owned(),
                expected: TokenRole::ALL.map(|role| role.as_str()).join(", "),
            })
    }
}
