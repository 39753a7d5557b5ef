//! Error type of the storage layer.

/// Failure of a storage operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The referenced record does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request was malformed, such as an empty dedup key or a bad cursor.
    #[error("{0}")]
    Invalid(String),
    /// The request conflicts with stored data, such as a component version
    /// that already exists with different content.
    #[error("{0}")]
    Conflict(String),
    /// A stored value could not be decoded, which means the data was changed
    /// outside Moat or the secret key is wrong.
    #[error("{0}")]
    Corrupt(String),
    /// The database call failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// Result of a storage operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// Returns true when `error` is a unique or primary key violation.
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(database_error) => database_error.is_unique_violation(),
        _ => false,
    }
}

/// Returns true when `error` is a foreign key violation.
pub(crate) fn is_foreign_key_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(database_error) => database_error.is_foreign_key_violation(),
        _ => false,
    }
}
