// A small key-value store private to the component; needs `state = true`.
// Values are bytes; the JSON helpers store UTF-8 JSON text.

import * as host from 'moat:platform/state@0.1.0';
import { callHost } from './errors.js';

/** Returns the bytes stored under `key`, or `undefined`. */
export function get(key) {
  return callHost(host.get, key) ?? undefined;
}

/** Stores `value` (a `Uint8Array`) under `key`. */
export function set(key, value) {
  callHost(host.set, key, value);
}

export function remove(key) {
  callHost(host.delete, key);
}

/** Returns the JSON value stored under `key`, or `undefined`. */
export function getJson(key) {
  const bytes = get(key);
  return bytes === undefined ? undefined : JSON.parse(new TextDecoder().decode(bytes));
}

export function setJson(key, value) {
  set(key, new TextEncoder().encode(JSON.stringify(value)));
}
