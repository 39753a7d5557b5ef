// Outbound HTTP through the host's policy: only `allowed_outbound_hosts`
// are reachable, and `{{secret.NAME}}` header placeholders are filled in
// by the host for the hosts each secret is bound to.

import { check } from 'moat:platform/http-policy@0.1.0';
import { callHost, DeniedError, MoatError, UpstreamError } from './errors.js';

/**
 * Sends a request with the global `fetch` and returns its `Response`.
 *
 * `fetch` reports every failed request as a network error without the
 * host's reason, so on failure this runs the host's policy check on the
 * URL and the secret placeholders in the headers. A denied request throws a
 * `DeniedError` with the host's message, which names the manifest line
 * that would allow it. Any other failure throws an `UpstreamError` that
 * names the URL.
 */
export async function request(url, init = {}) {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw explainFailure(String(url?.url ?? url), headerValues(init.headers), error);
  }
}

// Returns the values of `headers`, given as a `Headers` object, an array of
// [name, value] pairs or a plain object, so that the host can check the
// secret placeholders among them.
function headerValues(headers) {
  if (!headers) {
    return [];
  }
  if (Array.isArray(headers)) {
    return headers.map(([, value]) => String(value));
  }
  if (typeof headers.forEach === 'function') {
    const values = [];
    headers.forEach((value) => values.push(String(value)));
    return values;
  }
  return Object.values(headers).map(String);
}

function explainFailure(url, headers, error) {
  try {
    callHost(check, url, headers);
  } catch (refusal) {
    if (refusal instanceof DeniedError) {
      return new DeniedError(`request to ${url} was denied: ${refusal.message}`);
    }
    if (!(refusal instanceof MoatError)) {
      throw refusal;
    }
  }
  return new UpstreamError(`request to ${url} failed: ${error?.message ?? error}`);
}

/**
 * Sends a request and returns the parsed JSON body. A status outside
 * 200-299 throws an `UpstreamError` with the status and the start of the body.
 */
export async function json(url, init = {}) {
  const response = await request(url, init);
  const text = await response.text();
  if (!response.ok) {
    throw new UpstreamError(`${url} returned HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UpstreamError(`${url} returned invalid JSON: ${error.message}`);
  }
}
