//! Listing and searching cases, with cursor pagination.

use super::super::Store;
use super::super::columns::placeholders;
use super::super::error::{StoreError, StoreResult};
use super::{CASE_COLUMNS, CaseFilter, CasePage, CaseRecord, case_from_row};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use moat_runtime::model::{CaseInfo, Observable, Severity};
use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

/// Largest page that [`Store::list_cases`] and
/// [`Store::find_open_cases_by_observable`] return.
pub const MAX_PAGE_SIZE: u32 = 200;

/// A bound value of a dynamically built query.
enum Param {
    Text(String),
    BigInt(i64),
}

/// Position after the last case of a page: cases sort by `updated_at`
/// then `id`, both descending.
struct Cursor {
    updated_at_ms: i64,
    id: String,
}

impl Cursor {
    fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.updated_at_ms, self.id))
    }

    fn decode(text: &str) -> StoreResult<Cursor> {
        let invalid = || StoreError::Invalid(format!("invalid case cursor `{text}`"));
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let decoded = String::from_utf8(bytes).map_err(|_| invalid())?;
        let (updated_at, id) = decoded.split_once(':').ok_or_else(invalid)?;
        Ok(Cursor {
            updated_at_ms: updated_at.parse().map_err(|_| invalid())?,
            id: id.to_owned(),
        })
    }
}

impl Store {
    /// Returns cases matching `filter`, most recently updated first.
    ///
    /// `cursor` is the `next_cursor` of the previous page. `limit` is capped
    /// at [`MAX_PAGE_SIZE`], and 0 means the maximum.
    pub async fn list_cases(
        &self,
        filter: &CaseFilter,
        cursor: Option<&str>,
        limit: u32,
    ) -> StoreResult<CasePage> {
        let limit = page_size(limit);
        let cursor = cursor.map(Cursor::decode).transpose()?;
        let (conditions, mut params) = filter_conditions(filter, cursor.as_ref());

        params.push(Param::BigInt(i64::from(limit) + 1));
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE {} \
             ORDER BY updated_at DESC, id DESC LIMIT ${}",
            conditions.join(" AND "),
            params.len()
        );
        let rows = bind_all(sqlx::query(&sql), params)
            .fetch_all(&self.pool)
            .await?;
        let mut cases: Vec<CaseRecord> =
            rows.iter().map(case_from_row).collect::<Result<_, _>>()?;

        let has_more = cases.len() > limit as usize;
        cases.truncate(limit as usize);
        let next_cursor = match cases.last() {
            Some(last) if has_more => Some(
                Cursor {
                    updated_at_ms: last.updated_at_ms,
                    id: last.id.clone(),
                }
                .encode(),
            ),
            _ => None,
        };
        Ok(CasePage { cases, next_cursor })
    }

    /// Returns the cases that are not closed and contain `observable`, most
    /// recently updated first, at most `limit` (capped at [`MAX_PAGE_SIZE`]).
    pub async fn find_open_cases_by_observable(
        &self,
        observable: &Observable,
        limit: u32,
    ) -> StoreResult<Vec<CaseInfo>> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE status <> 'closed' AND id IN \
             (SELECT case_id FROM case_observables WHERE kind = $1 AND value = $2) \
             ORDER BY updated_at DESC, id DESC LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(observable.kind.as_str())
            .bind(&observable.value)
            .bind(i64::from(page_size(limit)))
            .fetch_all(&self.pool)
            .await?;

        let mut cases = Vec::with_capacity(rows.len());
        for row in &rows {
            cases.push(self.case_info(case_from_row(row)?, false).await?);
        }
        Ok(cases)
    }
}

fn page_size(limit: u32) -> u32 {
    if limit == 0 {
        MAX_PAGE_SIZE
    } else {
        limit.min(MAX_PAGE_SIZE)
    }
}

/// Builds the `WHERE` conditions and their parameters, numbered from `$1`.
fn filter_conditions(filter: &CaseFilter, cursor: Option<&Cursor>) -> (Vec<String>, Vec<Param>) {
    let mut conditions = vec!["1 = 1".to_owned()];
    let mut params = Vec::new();

    if let Some(status) = filter.status {
        params.push(Param::Text(status.as_str().to_owned()));
        conditions.push(format!("status = ${}", params.len()));
    }
    if let Some(min_severity) = filter.min_severity {
        let allowed: Vec<Severity> = Severity::ALL
            .into_iter()
            .filter(|severity| *severity >= min_severity)
            .collect();
        let first = params.len() + 1;
        params.extend(allowed.iter().map(|s| Param::Text(s.as_str().to_owned())));
        conditions.push(format!(
            "severity IN ({})",
            placeholders(first, allowed.len())
        ));
    }
    if let Some(dedup_key) = &filter.dedup_key {
        params.push(Param::Text(dedup_key.clone()));
        conditions.push(format!("dedup_key = ${}", params.len()));
    }
    if let Some(value) = &filter.observable_value {
        params.push(Param::Text(value.clone()));
        conditions.push(format!(
            "id IN (SELECT case_id FROM case_observables WHERE value = ${})",
            params.len()
        ));
    }
    if let Some(cursor) = cursor {
        params.push(Param::BigInt(cursor.updated_at_ms));
        let updated_at = params.len();
        params.push(Param::Text(cursor.id.clone()));
        let id = params.len();
        conditions.push(format!(
            "(updated_at < ${updated_at} OR (updated_at = ${updated_at} AND id < ${id}))"
        ));
    }

    (conditions, params)
}

fn bind_all<'q>(
    mut query: Query<'q, Any, AnyArguments<'q>>,
    params: Vec<Param>,
) -> Query<'q, Any, AnyArguments<'q>> {
    for param in params {
        query = match param {
            Param::Text(text) => query.bind(text),
            Param::BigInt(number) => query.bind(number),
        };
    }
    query
}
