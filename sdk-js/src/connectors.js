// Calls into connector components; each connector must be listed under
// `connectors` in the caller's manifest. The connector runs in its own
// sandbox with its own grants.

import { invoke as hostInvoke } from 'moat:platform/connectors@0.1.0';
import { callHost, InvalidError } from './errors.js';

/**
 * Runs `action` of `connector` with `input` (any JSON value) and returns
 * the parsed JSON output.
 */
export function invoke(connector, action, input) {
  const output = callHost(hostInvoke, connector, action, JSON.stringify(input));
  try {
    return JSON.parse(output);
  } catch (error) {
    throw new InvalidError(
      `connector \`${connector}\` action \`${action}\` returned invalid JSON: ${error.message}`,
    );
  }
}
