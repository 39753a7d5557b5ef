// Settings from the `[config]` table of the component's own manifest.
// Always granted; config values are not secret.

import { get as hostGet } from 'moat:platform/config@0.1.0';
import { InvalidError } from './errors.js';

/** Returns the value of `key`, or `undefined` when the manifest does not set it. */
export function get(key) {
  return hostGet(key) ?? undefined;
}

/** Returns the value of `key`, or throws an `InvalidError` naming the missing key. */
export function require(key) {
  const value = get(key);
  if (value === undefined) {
    throw new InvalidError(`config key \`${key}\` is not set; add it to [config] in moat.toml`);
  }
  return value;
}
