//! Host services for commands that run components on this machine
//! (`moat run`, `moat test`): an in-memory store, with the execution log
//! printed or kept in memory.

use crate::store::Store;
use async_trait::async_trait;
use moat_runtime::events::RunEvent;
use moat_runtime::model::{
    Actor, CaseInfo, CaseRequest, CaseStatus, Indicator, Observable, Severity,
};
use moat_runtime::services::{HostServices, ServiceError};
use std::sync::Mutex;

/// Destination of execution-log events.
#[derive(Debug)]
enum EventSink {
    /// Each event is printed to stderr as one JSON line.
    Stderr,
    /// Events are kept as JSON lines until [`LocalServices::take_events`].
    Memory(Mutex<Vec<String>>),
}

/// The store's host services, with the execution log sent to an
/// [`EventSink`] instead of the `run_events` table.
#[derive(Debug)]
pub struct LocalServices {
    store: Store,
    sink: EventSink,
}

impl LocalServices {
    /// Returns services that print every event to stderr.
    pub fn printing(store: Store) -> LocalServices {
        LocalServices {
            store,
            sink: EventSink::Stderr,
        }
    }

    /// Returns services that keep every event in memory.
    pub fn recording(store: Store) -> LocalServices {
        LocalServices {
            store,
            sink: EventSink::Memory(Mutex::new(Vec::new())),
        }
    }

    /// Removes and returns the events kept so far, one JSON line each.
    /// Printing services keep none.
    pub fn take_events(&self) -> Vec<String> {
        match &self.sink {
            EventSink::Stderr => Vec::new(),
            EventSink::Memory(events) => {
                std::mem::take(&mut *events.lock().unwrap_or_else(|poison| poison.into_inner()))
            }
        }
    }

    #[expect(
        clippy::print_stderr,
        reason = "`moat run` prints the execution log on stderr"
    )]
    fn write_event(&self, line: String) {
        match &self.sink {
            EventSink::Stderr => eprintln!("{line}"),
            EventSink::Memory(events) => events
                .lock()
                .unwrap_or_else(|poison| poison.into_inner())
                .push(line),
        }
    }
}

#[async_trait]
impl HostServices for LocalServices {
    async fn open_or_update_case(
        &self,
        actor: &Actor,
        request: CaseRequest,
    ) -> Result<CaseInfo, ServiceError> {
        HostServices::open_or_update_case(&self.store, actor, request).await
    }
    async fn get_case(&self, id: &str) -> Result<CaseInfo, ServiceError> {
        HostServices::get_case(&self.store, id).await
    }
    async fn find_open_cases_by_observable(
        &self,
        value: &Observable,
        limit: u32,
    ) -> Result<Vec<CaseInfo>, ServiceError> {
        HostServices::find_open_cases_by_observable(&self.store, value, limit).await
    }
    async fn add_case_note(
        &self,
        actor: &Actor,
        case_id: &str,
        body: &str,
    ) -> Result<(), ServiceError> {
        HostServices::add_case_note(&self.store, actor, case_id, body).await
    }
    async fn set_case_severity(
        &self,
        actor: &Actor,
        case_id: &str,
        severity: Severity,
    ) -> Result<(), ServiceError> {
        HostServices::set_case_severity(&self.store, actor, case_id, severity).await
    }
    async fn set_case_status(
        &self,
        actor: &Actor,
        case_id: &str,
        status: CaseStatus,
    ) -> Result<(), ServiceError> {
        HostServices::set_case_status(&self.store, actor, case_id, status).await
    }
    async fn lookup_indicators(&self, value: &Observable) -> Result<Vec<Indicator>, ServiceError> {
        HostServices::lookup_indicators(&self.store, value).await
    }
    async fn add_indicator(&self, actor: &Actor, indicator: Indicator) -> Result<(), ServiceError> {
        HostServices::add_indicator(&self.store, actor, indicator).await
    }
    async fn secret_value(&self, name: &str) -> Result<Option<String>, ServiceError> {
        HostServices::secret_value(&self.store, name).await
    }
    async fn state_get(&self, component: &str, key: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        HostServices::state_get(&self.store, component, key).await
    }
    async fn state_set(
        &self,
        component: &str,
        key: &str,
        value: &[u8],
    ) -> Result<(), ServiceError> {
        HostServices::state_set(&self.store, component, key, value).await
    }
    async fn state_delete(&self, component: &str, key: &str) -> Result<(), ServiceError> {
        HostServices::state_delete(&self.store, component, key).await
    }

    async fn record_event(
        &self,
        run_id: &str,
        seq: u64,
        event: &RunEvent,
    ) -> Result<(), ServiceError> {
        let _ = run_id;
        self.write_event(serde_json::json!({ "seq": seq, "event": event }).to_string());
        Ok(())
    }
}
