// The local indicator store: `intel = "read"` for lookups and
// `intel = "write"` for additions.

import * as host from 'moat:platform/intel@0.1.0';
import { callHost } from './errors.js';

/** Returns every stored indicator for `value`. */
export function lookup(value) {
  return callHost(host.lookup, value);
}

/**
 * Stores an indicator, replacing one with the same value and source.
 * `verdict` is `'unknown'`, `'benign'`, `'suspicious'` or `'malicious'`.
 */
export function add({ value, verdict, source, description = '' }) {
  callHost(host.add, { value, verdict, source, description });
}

/** Returns the strongest verdict among `indicators`, or `'unknown'`. */
export function worstVerdict(indicators) {
  const order = ['unknown', 'benign', 'suspicious', 'malicious'];
  let worst = 'unknown';
  for (const indicator of indicators) {
    if (order.indexOf(indicator.verdict) > order.indexOf(worst)) {
      worst = indicator.verdict;
    }
  }
  return worst;
}
