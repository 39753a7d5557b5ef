//! Writes a run's execution-log events as the run goes.

use crate::events::RunEvent;
use crate::limits::MAX_LOG_LINE_BYTES;
use crate::mask::SecretMasker;
use crate::services::HostServices;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The execution log of one run, shared by the playbook and every connector
/// it calls. Every event is masked before it is stored.
#[derive(Debug)]
pub struct EventLog {
    run_id: String,
    services: Arc<dyn HostServices>,
    masker: SecretMasker,
    next_seq: AtomicU64,
    log_bytes: AtomicU64,
    max_log_bytes: u64,
    log_cap_reported: AtomicBool,
    write_failures: AtomicU64,
}

impl EventLog {
    pub fn new(
        run_id: &str,
        services: Arc<dyn HostServices>,
        masker: SecretMasker,
        max_log_bytes: u64,
    ) -> EventLog {
        EventLog {
            run_id: run_id.to_owned(),
            services,
            masker,
            next_seq: AtomicU64::new(0),
            log_bytes: AtomicU64::new(0),
            max_log_bytes,
            log_cap_reported: AtomicBool::new(false),
            write_failures: AtomicU64::new(0),
        }
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    pub fn masker(&self) -> &SecretMasker {
        &self.masker
    }

    /// Masks and stores one event. A storage failure is logged, counted and
    /// otherwise ignored, because losing a log line must not fail the run.
    pub async fn record(&self, event: RunEvent) {
        let event = self.mask_event(event);
        let seq = self.next_seq.fetch_add(1, Ordering::SeqCst);
        if let Err(error) = self.services.record_event(&self.run_id, seq, &event).await {
            let failures = self.write_failures.fetch_add(1, Ordering::Relaxed) + 1;
            if failures == 1 || failures.is_power_of_two() {
                tracing::error!(run_id = %self.run_id, seq, failures, error = %error, "failed to store run event");
            }
        }
    }

    /// Stores a guest log line within the run's log volume cap. Lines past
    /// the cap are dropped and one `limit_hit` event records that.
    pub async fn guest_log(&self, level: &str, message: &str) {
        let line = truncate(message, MAX_LOG_LINE_BYTES);
        let used = self
            .log_bytes
            .fetch_add(line.len() as u64, Ordering::SeqCst)
            + line.len() as u64;
        if used > self.max_log_bytes {
            if !self.log_cap_reported.swap(true, Ordering::SeqCst) {
                let detail = format!(
                    "guest log volume passed {} bytes; later lines were dropped (raise [limits] max_log_bytes to keep more)",
                    self.max_log_bytes
                );
                self.record(RunEvent::LimitHit {
                    limit: "max_log_bytes".to_owned(),
                    detail,
                })
                .await;
            }
            return;
        }
        self.record(RunEvent::GuestLog {
            level: level.to_owned(),
            message: line.to_owned(),
        })
        .await;
    }

    fn mask_event(&self, event: RunEvent) -> RunEvent {
        if self.masker.is_empty() {
            return event;
        }
        let Ok(text) = serde_json::to_string(&event) else {
            return event;
        };
        let masked = self.masker.mask(&text);
        if masked == text {
            return event;
        }
        serde_json::from_str(&masked).unwrap_or_else(|_| RunEvent::GuestLog {
            level: "warn".to_owned(),
            message: "an event that contained a secret could not be masked and was dropped"
                .to_owned(),
        })
    }
}

/// Cuts `text` to at most `max` bytes on a character boundary.
pub fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
