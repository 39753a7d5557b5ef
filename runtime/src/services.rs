//! What the host interfaces need from the rest of Moat.
//!
//! The runtime does not own storage. `moat serve` and `moat run` pass an
//! implementation of [`HostServices`] backed by the database; the runtime
//! checks grants before it calls any of these methods.

use crate::events::RunEvent;
use crate::model::{Actor, CaseInfo, CaseRequest, CaseStatus, Indicator, Observable, Severity};
use async_trait::async_trait;

/// Failure of a storage call made on behalf of a guest.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The referenced case, secret or key does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request was malformed, such as an empty dedup key.
    #[error("{0}")]
    Invalid(String),
    /// Storage failed; the message is logged by the host and the guest
    /// only sees a generic error.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Storage operations available to guests through the host interfaces.
#[async_trait]
pub trait HostServices: Send + Sync + std::fmt::Debug + 'static {
    async fn open_or_update_case(
        &self,
        actor: &Actor,
        request: CaseRequest,
    ) -> Result<CaseInfo, ServiceError>;
    async fn get_case(&self, id: &str) -> Result<CaseInfo, ServiceError>;
    async fn find_open_cases_by_observable(
        &self,
        value: &Observable,
        limit: u32,
    ) -> Result<Vec<CaseInfo>, ServiceError>;
    async fn add_case_note(
        &self,
        actor: &Actor,
        case_id: &str,
        body: &str,
    ) -> Result<(), ServiceError>;
    async fn set_case_severity(
        &self,
        actor: &Actor,
        case_id: &str,
        severity: Severity,
    ) -> Result<(), ServiceError>;
    async fn set_case_status(
        &self,
        actor: &Actor,
        case_id: &str,
        status: CaseStatus,
    ) -> Result<(), ServiceError>;

    async fn lookup_indicators(&self, value: &Observable) -> Result<Vec<Indicator>, ServiceError>;
    async fn add_indicator(&self, actor: &Actor, indicator: Indicator) -> Result<(), ServiceError>;

    /// Returns the decrypted value of a secret, or `None` when none is stored.
    async fn secret_value(&self, name: &str) -> Result<Option<String>, ServiceError>;

    async fn state_get(&self, component: &str, key: &str) -> Result<Option<Vec<u8>>, ServiceError>;
    async fn state_set(&self, component: &str, key: &str, value: &[u8])
    -> Result<(), ServiceError>;
    async fn state_delete(&self, component: &str, key: &str) -> Result<(), ServiceError>;

    /// Stores one execution-log event of run `run_id`. `seq` starts at 0 and
    /// increases by one per event within the run.
    async fn record_event(
        &self,
        run_id: &str,
        seq: u64,
        event: &RunEvent,
    ) -> Result<(), ServiceError>;
}
