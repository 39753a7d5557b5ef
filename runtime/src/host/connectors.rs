//! The `connectors` interface: call another component's action.

use crate::bindings::moat::platform::connectors::Host;
use crate::error::{HostError, HostResult, RunFailure};
use crate::events::RunEvent;
use crate::limits::MAX_CALL_DEPTH;
use crate::store_state::{CallContext, RunState};
use std::time::Instant;

impl Host for RunState {
    async fn invoke(
        &mut self,
        connector: String,
        action: String,
        input: String,
    ) -> HostResult<String> {
        let granted = &self.call.component.manifest.grants.connectors;
        if !granted.contains(&connector) {
            return self.call
                .deny(
                    "connectors",
                    format!("connector `{connector}` is not granted; add \"{connector}\" to [grants] connectors"),
                )
                .await;
        }
        if self.call.depth + 1 > MAX_CALL_DEPTH {
            return self.call.depth_exceeded().await;
        }

        let started = Instant::now();
        let runtime = self.call.runtime.clone();
        let parent = self.call.clone();
        let (name, action_name) = (connector.clone(), action.clone());
        // Boxed because a connector may call connectors: the future is recursive.
        let call = Box::pin(async move {
            runtime
                .call_connector(&parent, &name, action_name, input)
                .await
        });
        let result = call.await;

        self.call
            .record_connector_call(&connector, &action, &result, started)
            .await;
        result.map_err(|failure| HostError::Guest(failure.to_guest()))
    }
}

impl CallContext {
    async fn depth_exceeded(&self) -> HostResult<String> {
        let detail = format!("connector call depth would exceed {MAX_CALL_DEPTH}");
        self.events
            .record(RunEvent::LimitHit {
                limit: "call_depth".to_owned(),
                detail: detail.clone(),
            })
            .await;
        Err(HostError::limit_exceeded(detail))
    }

    async fn record_connector_call(
        &self,
        connector: &str,
        action: &str,
        result: &Result<String, RunFailure>,
        started: Instant,
    ) {
        let event = RunEvent::ConnectorCall {
            connector: connector.to_owned(),
            action: action.to_owned(),
            duration_ms: started.elapsed().as_millis() as u64,
            ok: result.is_ok(),
            error: result.as_ref().err().map(ToString::to_string),
        };
        self.events.record(event).await;
    }
}
