// Values shared by every host interface. The bindings represent WIT enums
// as their kebab-case names and records as objects with camelCase fields.

import { InvalidError } from './errors.js';

export const OBSERVABLE_KINDS = [
  'ipv4',
  'ipv6',
  'domain',
  'url',
  'md5',
  'sha1',
  'sha256',
  'email',
  'hostname',
  'user',
  'file-name',
];

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];

/** Builds an observable, such as `observable('ipv4', '198.51.100.7')`. */
export function observable(kind, value) {
  if (!OBSERVABLE_KINDS.includes(kind)) {
    throw new InvalidError(
      `unknown observable kind \`${kind}\`; use one of ${OBSERVABLE_KINDS.join(', ')}`,
    );
  }
  return { kind, value: String(value) };
}

/** Returns the higher of two severities. */
export function maxSeverity(a, b) {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

/**
 * Converts the WIT `trigger` variant into `{ alert }` for an alert, or
 * `{ input }` with the parsed JSON of a manual run.
 */
export function triggerFromWit(trigger) {
  if (trigger.tag === 'alert') {
    return { alert: trigger.val, input: undefined };
  }
  if (trigger.tag === 'manual') {
    return { alert: undefined, input: JSON.parse(trigger.val) };
  }
  throw new InvalidError(`unknown trigger case \`${trigger.tag}\``);
}
