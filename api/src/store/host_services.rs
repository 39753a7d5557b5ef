//! [`HostServices`] for the runtime, backed by the [`Store`].

use super::error::StoreError;
use super::{NewAuditEntry, Store};
use async_trait::async_trait;
use moat_runtime::events::RunEvent;
use moat_runtime::model::{
    Actor, CaseInfo, CaseRequest, CaseStatus, Indicator, Observable, Severity,
};
use moat_runtime::services::{HostServices, ServiceError};
use serde_json::json;
use tracing::debug;

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> ServiceError {
        match error {
            StoreError::NotFound(message) => ServiceError::NotFound(message),
            StoreError::Invalid(message) | StoreError::Conflict(message) => {
                ServiceError::Invalid(message)
            }
            StoreError::Corrupt(_) | StoreError::Database(_) => {
                ServiceError::Internal(anyhow::Error::new(error))
            }
        }
    }
}

fn case_not_found(case_id: &str) -> ServiceError {
    ServiceError::NotFound(format!("case `{case_id}` not found"))
}

#[async_trait]
impl HostServices for Store {
    async fn open_or_update_case(
        &self,
        actor: &Actor,
        request: CaseRequest,
    ) -> Result<CaseInfo, ServiceError> {
        Ok(Store::open_or_update_case(self, actor, request).await?)
    }

    async fn get_case(&self, id: &str) -> Result<CaseInfo, ServiceError> {
        Store::get_case(self, id)
            .await?
            .ok_or_else(|| case_not_found(id))
    }

    async fn find_open_cases_by_observable(
        &self,
        value: &Observable,
        limit: u32,
    ) -> Result<Vec<CaseInfo>, ServiceError> {
        Ok(Store::find_open_cases_by_observable(self, value, limit).await?)
    }

    async fn add_case_note(
        &self,
        actor: &Actor,
        case_id: &str,
        body: &str,
    ) -> Result<(), ServiceError> {
        Store::add_note(self, actor, case_id, body).await?;
        Ok(())
    }

    async fn set_case_severity(
        &self,
        actor: &Actor,
        case_id: &str,
        severity: Severity,
    ) -> Result<(), ServiceError> {
        Ok(Store::set_severity(self, actor, case_id, severity).await?)
    }

    async fn set_case_status(
        &self,
        actor: &Actor,
        case_id: &str,
        status: CaseStatus,
    ) -> Result<(), ServiceError> {
        Ok(Store::set_status(self, actor, case_id, status).await?)
    }

    async fn lookup_indicators(&self, value: &Observable) -> Result<Vec<Indicator>, ServiceError> {
        Ok(Store::lookup_indicators(self, value).await?)
    }

    async fn add_indicator(&self, actor: &Actor, indicator: Indicator) -> Result<(), ServiceError> {
        Store::add_indicator(self, &indicator).await?;
        debug!(%actor, kind = indicator.value.kind.as_str(), source = %indicator.source, "indicator stored");
        Ok(())
    }

    async fn secret_value(&self, name: &str) -> Result<Option<String>, ServiceError> {
        Ok(Store::secret_value(self, name).await?)
    }

    async fn state_get(&self, component: &str, key: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        Ok(Store::state_get(self, component, key).await?)
    }

    async fn state_set(
        &self,
        component: &str,
        key: &str,
        value: &[u8],
    ) -> Result<(), ServiceError> {
        Ok(Store::state_set(self, component, key, value).await?)
    }

    async fn state_delete(&self, component: &str, key: &str) -> Result<(), ServiceError> {
        Store::state_delete(self, component, key).await?;
        Ok(())
    }

    /// Stores the event and, for a `secret_used` event, appends a
    /// `secret.use` audit entry naming the run and the secret.
    async fn record_event(
        &self,
        run_id: &str,
        seq: u64,
        event: &RunEvent,
    ) -> Result<(), ServiceError> {
        Store::append_run_event(self, run_id, seq, event).await?;
        if let RunEvent::SecretUsed { name, how, host } = event {
            let entry = NewAuditEntry {
                actor: format!("run {run_id}"),
                action: "secret.use".to_owned(),
                target: Some(name.clone()),
                detail: json!({ "how": how, "host": host, "seq": seq }),
            };
            self.append_audit(entry).await?;
        }
        Ok(())
    }
}
