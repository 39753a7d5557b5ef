// Cases. Reading needs `cases = "read"` or `"write"`, and changes need
// `"write"`. The host records every change in the case timeline with the
// run that made it.

import * as host from 'moat:platform/cases@0.1.0';
import { callHost } from './errors.js';

/**
 * Opens a case, or updates the open case with the same dedup key.
 * Duplicate observables are dropped before the request is sent.
 */
export function openOrUpdate({ dedupKey, title, severity, observables = [], alertId }) {
  const unique = [];
  for (const item of observables) {
    if (!unique.some((seen) => seen.kind === item.kind && seen.value === item.value)) {
      unique.push(item);
    }
  }
  return callHost(host.openOrUpdate, {
    dedupKey,
    title,
    severity,
    observables: unique,
    alertId: alertId ?? undefined,
  });
}

/** Opens or updates the case for `alert`'s dedup key, with the alert linked. */
export function openFromAlert(alert) {
  return openOrUpdate({
    dedupKey: alert.dedupKey,
    title: alert.title,
    severity: alert.severity,
    observables: alert.observables,
    alertId: alert.id,
  });
}

export function get(caseId) {
  return callHost(host.get, caseId);
}

/** Returns the open cases that contain `value`, newest first, at most 20. */
export function findOpenByObservable(value) {
  return callHost(host.findOpenByObservable, value);
}

/** Appends a Markdown note of at most 64 KiB to the case timeline. */
export function addNote(caseId, body) {
  callHost(host.addNote, caseId, body);
}

/** Sets the severity: `'info'`, `'low'`, `'medium'`, `'high'` or `'critical'`. */
export function setSeverity(caseId, severity) {
  callHost(host.setSeverity, caseId, severity);
}

/** Sets the status: `'open'`, `'in-progress'` or `'closed'`. */
export function setStatus(caseId, status) {
  callHost(host.setStatus, caseId, status);
}
