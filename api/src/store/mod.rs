//! Storage of alerts, cases, runs, secrets, components, tokens, indicators,
//! component state and the audit log, on SQLite or PostgreSQL.
//!
//! All queries except the few in [`dialect`] are shared SQL with `$N`
//! placeholders, run through `sqlx::Any`. Column types are portable:
//! UUID v7 text ids, Unix-millisecond `BIGINT` timestamps, JSON as text and
//! `BLOB`/`BYTEA` for bytes.

mod alerts;
mod audit;
mod cases;
mod clock;
mod columns;
mod component_state;
mod components;
mod connect;
mod database_url;
mod dialect;
mod error;
mod host_services;
mod indicators;
mod run_events;
mod run_queue;
mod runs;
mod secret_key;
mod secrets;
mod tokens;

#[cfg(test)]
mod testing;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use alerts::{AlertObservable, NewAlert, StoredAlert};
pub use audit::{AuditEntry, AuditPage, NewAuditEntry};
pub use cases::{
    CaseDetail, CaseFilter, CaseNote, CasePage, CaseRecord, MAX_PAGE_SIZE, TimelineEntry,
};
pub use components::{ComponentMeta, NewComponent, StoredComponent};
pub use error::{StoreError, StoreResult};
pub use run_events::StoredRunEvent;
pub use run_queue::{ClaimedRun, MAX_RUN_ATTEMPTS, RunSuccess};
pub use runs::{NewRun, RunRecord, RunStatus, TriggerKind};
pub use secret_key::{
    DecryptError, EncryptError, InvalidKeyFormat, KEY_FILE_NAME, SECRET_KEY_ENV, SecretKey,
};
pub use secrets::SecretMeta;
pub use tokens::{TOKEN_PREFIX, TokenInfo, TokenRole};

use database_url::DatabaseUrl;
use dialect::Backend;
use sqlx::any::Any;
use sqlx::{AnyPool, Transaction};

/// Handle to the database. Clones share one connection pool, so cloning is cheap.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    secret_key: SecretKey,
}

impl Store {
    /// Connects to `url` (`sqlite://PATH`, `sqlite::memory:` or
    /// `postgres://…`), runs the migrations and loads the secret key with
    /// [`SecretKey::load`].
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        // Parse first, so that a malformed URL creates no key file.
        DatabaseUrl::parse(url)?;
        let secret_key = SecretKey::load(url)?;
        Store::connect_with_key(url, secret_key).await
    }

    /// Connects like [`Store::connect`] but with a given secret key.
    ///
    /// A SQLite file is created when missing and uses the WAL journal mode,
    /// foreign keys and a 5 s busy timeout.
    pub async fn connect_with_key(url: &str, secret_key: SecretKey) -> anyhow::Result<Store> {
        let target = DatabaseUrl::parse(url)?;
        let (pool, backend) = connect::open_pool(&target).await?;
        Ok(Store {
            pool,
            backend,
            secret_key,
        })
    }

    /// Returns `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction with the statement of [`Backend::begin_write`].
    async fn begin_write(&self) -> StoreResult<Transaction<'static, Any>> {
        Ok(self.pool.begin_with(self.backend.begin_write()).await?)
    }
}
