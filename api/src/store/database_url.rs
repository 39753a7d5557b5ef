//! Parsing of the database URL given to `moat`.

use anyhow::bail;
use std::path::PathBuf;

/// Database selected by a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DatabaseUrl {
    /// `sqlite://path` or `sqlite:path`. The file is created when missing.
    SqliteFile(PathBuf),
    /// `sqlite::memory:`. The data is lost when the store is dropped.
    SqliteMemory,
    /// `postgres://…` or `postgresql://…`, passed to the driver unchanged.
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses `url`. The error names the accepted forms but not the URL,
    /// because a PostgreSQL URL can contain a password.
    pub(crate) fn parse(url: &str) -> anyhow::Result<DatabaseUrl> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }

        let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        else {
            bail!(
                "unsupported database URL: expected `sqlite://PATH`, `sqlite::memory:` or `postgres://…`"
            );
        };

        let path = rest.split('?').next().unwrap_or_default();
        if path == ":memory:" {
            return Ok(DatabaseUrl::SqliteMemory);
        }
        if path.is_empty() {
            bail!(
                "invalid database URL: `sqlite://` needs a file path, such as `sqlite://data/moat.db`"
            );
        }
        Ok(DatabaseUrl::SqliteFile(PathBuf::from(path)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn database_url_parses_each_form() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/moat.db").unwrap(),
            DatabaseUrl::SqliteFile(PathBuf::from("data/moat.db"))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/moat/moat.db").unwrap(),
            DatabaseUrl::SqliteFile(PathBuf::from("/var/lib/moat/moat.db"))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:moat.db?mode=rwc").unwrap(),
            DatabaseUrl::SqliteFile(PathBuf::from("moat.db"))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:").unwrap(),
            DatabaseUrl::SqliteMemory
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u@127.0.0.1/db").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
    }

    #[test]
    fn database_url_error_hides_url() {
        let error = DatabaseUrl::parse("mysql://root:hunter2@db/moat").unwrap_err();
        assert!(!error.to_string().contains("hunter2"), "{error}");
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }
}
