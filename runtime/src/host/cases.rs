//! The `cases` interface: open, read and change cases.

use super::convert;
use super::state::service_error;
use crate::bindings::moat::platform::cases::{CaseInfo, CaseRequest, CaseStatus, Host};
use crate::bindings::moat::platform::types::{Observable, Severity};
use crate::error::{HostError, HostResult};
use crate::events::RunEvent;
use crate::manifest::Access;
use crate::store_state::{CallContext, RunState};

/// Largest note body, in bytes.
pub const MAX_NOTE_BYTES: usize = 64 * 1024;
/// Most cases `find-open-by-observable` returns.
pub const MAX_FOUND_CASES: u32 = 20;

impl Host for RunState {
    async fn open_or_update(&mut self, request: CaseRequest) -> HostResult<CaseInfo> {
        self.call.require_cases(Access::Write).await?;
        if request.dedup_key.trim().is_empty() {
            return Err(HostError::invalid(
                "case request has an empty dedup-key; set it to the correlation key",
            ));
        }

        let request = convert::case_request_from_wit(request);
        let case = self
            .call
            .services
            .open_or_update_case(&self.call.actor, request)
            .await
            .map_err(service_error)?;
        let change = if case.created { "opened" } else { "updated" };
        self.call.case_changed(&case.id, change, &case.title).await;
        Ok(convert::case_to_wit(case))
    }

    async fn get(&mut self, id: String) -> HostResult<CaseInfo> {
        self.call.require_cases(Access::Read).await?;
        let case = self
            .call
            .services
            .get_case(&id)
            .await
            .map_err(service_error)?;
        Ok(convert::case_to_wit(case))
    }

    async fn find_open_by_observable(&mut self, value: Observable) -> HostResult<Vec<CaseInfo>> {
        self.call.require_cases(Access::Read).await?;
        let value = convert::observable_from_wit(value);
        let cases = self
            .call
            .services
            .find_open_cases_by_observable(&value, MAX_FOUND_CASES)
            .await
            .map_err(service_error)?;
        Ok(cases.into_iter().map(convert::case_to_wit).collect())
    }

    async fn add_note(&mut self, case_id: String, body: String) -> HostResult<()> {
        self.call.require_cases(Access::Write).await?;
        if body.len() > MAX_NOTE_BYTES {
            return Err(HostError::limit_exceeded(format!(
                "note is {} bytes, over the {MAX_NOTE_BYTES}-byte limit",
                body.len()
            )));
        }

        let body = self.call.events.masker().mask(&body);
        self.call
            .services
            .add_case_note(&self.call.actor, &case_id, &body)
            .await
            .map_err(service_error)?;
        self.call
            .case_changed(
                &case_id,
                "note_added",
                crate::event_log::truncate(&body, 200),
            )
            .await;
        Ok(())
    }

    async fn set_severity(&mut self, case_id: String, severity: Severity) -> HostResult<()> {
        self.call.require_cases(Access::Write).await?;
        let severity = convert::severity_from_wit(severity);
        self.call
            .services
            .set_case_severity(&self.call.actor, &case_id, severity)
            .await
            .map_err(service_error)?;
        self.call
            .case_changed(&case_id, "severity_set", severity.as_str())
            .await;
        Ok(())
    }

    async fn set_status(&mut self, case_id: String, status: CaseStatus) -> HostResult<()> {
        self.call.require_cases(Access::Write).await?;
        let status = convert::status_from_wit(status);
        self.call
            .services
            .set_case_status(&self.call.actor, &case_id, status)
            .await
            .map_err(service_error)?;
        self.call
            .case_changed(&case_id, "status_set", status.as_str())
            .await;
        Ok(())
    }
}

impl CallContext {
    async fn require_cases(&self, needed: Access) -> HostResult<()> {
        let granted = self.component.manifest.grants.cases;
        self.require_access("cases", granted, needed).await
    }

    async fn case_changed(&self, case_id: &str, change: &str, detail: &str) {
        self.events
            .record(RunEvent::CaseChange {
                case_id: case_id.to_owned(),
                change: change.to_owned(),
                detail: detail.to_owned(),
            })
            .await;
    }
}
