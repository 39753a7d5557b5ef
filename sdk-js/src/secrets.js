// Secret values, for components granted `secrets.<name>.read = true`.
// Most components never read a value: they put `placeholder(name)` in an
// HTTP header, and the host fills it in only on requests to the hosts the
// secret is bound to.

import { get as hostGet } from 'moat:platform/secrets@0.1.0';
import { callHost } from './errors.js';

/** Returns the value of secret `name`; needs `read = true` for it. */
export function get(name) {
  return callHost(hostGet, name);
}

/** Returns the header placeholder `{{secret.NAME}}` for secret `name`. */
export function placeholder(name) {
  return `{{secret.${name}}}`;
}
