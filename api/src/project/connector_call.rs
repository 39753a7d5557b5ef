//! Connector actions called from the host, for `moat test`.
//!
//! NOTE: moat-runtime has no public entry point that calls a connector
//! action directly, because only components call connectors. This module
//! builds the call context of a stand-in caller and goes through the
//! `connectors` host import, so the action runs as it does under a
//! playbook: in its own sandbox, with its own grants, limits and events.

use anyhow::Context;
use moat_runtime::Runtime;
use moat_runtime::bindings::moat::platform::connectors::Host as _;
use moat_runtime::error::{HostError, RunFailure};
use moat_runtime::event_log::EventLog;
use moat_runtime::manifest::Grants;
use moat_runtime::mask::SecretMasker;
use moat_runtime::model::Actor;
use moat_runtime::policy::net::{SystemResolver, TcpDialer};
use moat_runtime::policy::outbound::{OutboundContext, OutboundPolicy};
use moat_runtime::registry::LoadedComponent;
use moat_runtime::services::HostServices;
use moat_runtime::store_state::{CallContext, Deadline, RunState};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Name of the stand-in caller in the execution log.
const CALLER_NAME: &str = "moat-test";

/// Time the caller's deadline leaves past the connector's own
/// `timeout_ms`, so that the connector's limit is the one that applies.
const CALLER_SLACK: Duration = Duration::from_secs(1);

/// Calls the actions of one registered connector.
#[derive(Debug)]
pub struct ConnectorCaller {
    runtime: Runtime,
    connector: String,
    /// The stand-in caller: the connector's own component under a manifest
    /// that grants only a call to the connector. It is never instantiated.
    caller: Arc<LoadedComponent>,
}

impl ConnectorCaller {
    /// Prepares a caller for `connector`, which is registered in `runtime`
    /// and whose component bytes are `wasm`.
    pub async fn new(
        runtime: &Runtime,
        connector: &LoadedComponent,
        wasm: Vec<u8>,
    ) -> anyhow::Result<ConnectorCaller> {
        let mut manifest = connector.manifest.clone();
        manifest.name = CALLER_NAME.to_owned();
        manifest.config.clear();
        manifest.grants = Grants {
            connectors: vec![connector.manifest.name.clone()],
            ..Grants::default()
        };
        let prepare_runtime = runtime.clone();
        let caller = tokio::task::spawn_blocking(move || prepare_runtime.prepare(manifest, &wasm))
            .await?
            .context("failed to prepare the caller of the connector")?;
        Ok(ConnectorCaller {
            runtime: runtime.clone(),
            connector: connector.manifest.name.clone(),
            caller: Arc::new(caller),
        })
    }

    /// Runs `action` with the JSON text `input` and returns the JSON text
    /// the connector returned. Events go to `services`.
    pub async fn invoke(
        &self,
        services: Arc<dyn HostServices>,
        action: &str,
        input: &str,
    ) -> Result<String, RunFailure> {
        let mut state = self.caller_state(services);
        let result = state
            .invoke(self.connector.clone(), action.to_owned(), input.to_owned())
            .await;
        match result {
            Ok(output) => Ok(output),
            Err(HostError::Guest(error)) => Err(RunFailure::from_guest(&error)),
            Err(HostError::Trap(trap)) => Err(RunFailure::new("trap", format!("{trap:#}"))),
        }
    }

    fn caller_state(&self, services: Arc<dyn HostServices>) -> RunState {
        let limits = &self.caller.manifest.limits;
        let events = Arc::new(EventLog::new(
            "test",
            services.clone(),
            SecretMasker::default(),
            limits.max_log_bytes,
        ));
        let deadline = Deadline {
            at: tokio::time::Instant::now()
                + Duration::from_millis(limits.timeout_ms)
                + CALLER_SLACK,
            timeout_ms: limits.timeout_ms,
            component: CALLER_NAME.to_owned(),
        };
        let policy = self.caller_policy(services.clone(), &events, deadline.at);
        let call = CallContext {
            runtime: self.runtime.clone(),
            component: self.caller.clone(),
            actor: Actor::User {
                name: CALLER_NAME.to_owned(),
            },
            services,
            events,
            depth: 0,
            deadline,
            owns_deadline: true,
        };
        RunState::new(call, policy, 0)
    }

    /// Returns the caller's outbound policy, which allows nothing. The
    /// connector's calls use a policy built from its own manifest.
    fn caller_policy(
        &self,
        services: Arc<dyn HostServices>,
        events: &Arc<EventLog>,
        deadline: tokio::time::Instant,
    ) -> OutboundPolicy {
        let limits = &self.caller.manifest.limits;
        let context = OutboundContext {
            component: CALLER_NAME.to_owned(),
            allow: self.caller.allow.clone(),
            secret_bindings: Vec::new(),
            services,
            masker: events.masker().clone(),
            events: events.clone(),
            resolver: Arc::new(SystemResolver),
            dialer: Arc::new(TcpDialer),
            connections: Arc::new(Semaphore::new(1)),
            max_connections: 1,
            connect_timeout: Duration::from_millis(limits.connect_timeout_ms),
            max_body_bytes: limits.max_http_body_bytes,
            body_cap_hit: Arc::new(AtomicBool::new(false)),
            deadline,
        };
        OutboundPolicy {
            context: Arc::new(context),
        }
    }
}
