//! The SQL that differs between SQLite and PostgreSQL.
//!
//! Every other query is shared text with `$N` placeholders, which both
//! backends accept through `sqlx::Any`.

use sqlx::migrate::Migrator;

static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// Database engine behind a [`super::Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    pub(crate) fn migrator(self) -> &'static Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        }
    }

    /// Returns the statement that starts a transaction which will write.
    ///
    /// SQLite takes the write lock at `BEGIN IMMEDIATE`, so a transaction
    /// waits for the busy timeout there instead of failing with
    /// `SQLITE_BUSY` when it first writes after reading.
    pub(crate) fn begin_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// Returns the locking clause of the sub-select that picks the next run.
    ///
    /// PostgreSQL skips rows that another claim has locked, so concurrent
    /// workers take different runs. SQLite needs no clause because one
    /// writer at a time holds the database lock.
    pub(crate) fn claim_lock_clause(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        }
    }
}
