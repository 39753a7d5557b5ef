// JavaScript SDK for Moat playbooks and connectors built with
// componentize-js.
//
// The modules wrap the `moat:platform@0.1.0` host interfaces in the same
// shape as the Rust SDK in `sdk/` and the Python SDK in `sdk-python/`.
// Every host call is checked against the component's `moat.toml`: a call
// the manifest does not grant throws `DeniedError` with a message naming
// the manifest line that would allow it.
//
// The `moat:platform/*` modules imported here exist only inside a
// component, so this package works only when built by `build.mjs`.

export * as cases from './cases.js';
export * as config from './config.js';
export * as connectors from './connectors.js';
export * as http from './http.js';
export * as intel from './intel.js';
export * as log from './log.js';
export * as secrets from './secrets.js';
export * as state from './state.js';
export {
  DeniedError,
  InternalError,
  InvalidError,
  LimitExceededError,
  MoatError,
  NotFoundError,
  TimeoutError,
  UpstreamError,
} from './errors.js';
export { connector, playbook } from './export.js';
export { OBSERVABLE_KINDS, SEVERITIES, maxSeverity, observable } from './types.js';
