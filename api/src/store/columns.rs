//! Decoding helpers shared by the row mappers.

use super::error::{StoreError, StoreResult};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::fmt::Display;
use std::str::FromStr;

/// Reads a text column and parses it with `FromStr`, such as a severity.
pub(crate) fn parse_column<T>(row: &AnyRow, column: &str) -> StoreResult<T>
where
    T: FromStr,
    T::Err: Display,
{
    let text: String = row.try_get(column)?;
    text.parse().map_err(|error: T::Err| {
        StoreError::Corrupt(format!("invalid value in column `{column}`: {error}"))
    })
}

/// Reads a JSON text column.
pub(crate) fn json_column(row: &AnyRow, column: &str) -> StoreResult<serde_json::Value> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text)
        .map_err(|error| StoreError::Corrupt(format!("invalid JSON in column `{column}`: {error}")))
}

/// Reads a nullable JSON text column.
pub(crate) fn optional_json_column(
    row: &AnyRow,
    column: &str,
) -> StoreResult<Option<serde_json::Value>> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|text| {
        serde_json::from_str(&text).map_err(|error| {
            StoreError::Corrupt(format!("invalid JSON in column `{column}`: {error}"))
        })
    })
    .transpose()
}

/// Reads a non-negative count column as `u32`, saturating at `u32::MAX`.
pub(crate) fn count_column(row: &AnyRow, column: &str) -> StoreResult<u32> {
    let count: i64 = row.try_get(column)?;
    Ok(u32::try_from(count.max(0)).unwrap_or(u32::MAX))
}

/// Returns `$start, $start+1, …` for `count` bind parameters, for an `IN` list.
pub(crate) fn placeholders(start: usize, count: usize) -> String {
    (start..start + count)
        .map(|index| format!("${index}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a flag column: `BOOLEAN` on PostgreSQL, `INTEGER` 0 or 1 on SQLite.
pub(crate) fn flag_column(row: &AnyRow, column: &str) -> StoreResult<bool> {
    match row.try_get::<bool, _>(column) {
        Ok(flag) => Ok(flag),
        Err(_) => {
            let number: i64 = row.try_get(column)?;
            Ok(number != 0)
        }
    }
}
