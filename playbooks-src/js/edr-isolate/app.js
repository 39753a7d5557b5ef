// Connector for an EDR's host isolation REST API.
//
// Actions:
// - `isolate-host` sends `POST {base_url}/api/v1/hosts/isolate` with
//   `{"hostname", "comment"}` and returns `{"hostname", "action_id", "state"}`.
// - `host-status` sends `GET {base_url}/api/v1/hosts/{hostname}` and returns
//   `{"hostname", "isolated", "last_seen"}`.
//
// Every request carries `Authorization: Bearer {{secret.edr_api_token}}`;
// the host fills in the token only on requests to the hosts the secret is
// bound to in moat.toml.

import { config, connector, http, secrets, InvalidError, NotFoundError, UpstreamError } from 'moat-sdk';

// DNS names and single labels: letters, digits, dashes and dots, at most 253
// characters. The check keeps path separators and query syntax out of the URL.
const HOSTNAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const MAX_HOSTNAME_BYTES = 253;
const MAX_COMMENT_CHARS = 1000;

const HOSTNAME_SCHEMA = { type: 'string', maxLength: MAX_HOSTNAME_BYTES };

export const { describe, invoke } = connector({
  'isolate-host': {
    description: 'Cuts a host off the network except for the EDR itself.',
    inputSchema: {
      type: 'object',
      required: ['hostname'],
      properties: {
        hostname: HOSTNAME_SCHEMA,
        comment: { type: 'string', maxLength: MAX_COMMENT_CHARS },
      },
    },
    outputSchema: {
      type: 'object',
      properties: {
        hostname: { type: 'string' },
        action_id: { type: 'string' },
        state: { type: 'string' },
      },
    },
    handler: isolateHost,
  },
  'host-status': {
    description: 'Returns whether a host is isolated and when the EDR last saw it.',
    inputSchema: { type: 'object', required: ['hostname'], properties: { hostname: HOSTNAME_SCHEMA } },
    outputSchema: {
      type: 'object',
      properties: {
        hostname: { type: 'string' },
        isolated: { type: 'boolean' },
        last_seen: { type: 'string' },
      },
    },
    handler: hostStatus,
  },
});

async function isolateHost(input) {
  const hostname = validHostname(input?.hostname);
  const comment = validComment(input?.comment);

  const body = await send('POST', '/api/v1/hosts/isolate', { hostname, comment });

  if (typeof body.action_id !== 'string' || typeof body.state !== 'string') {
    throw new UpstreamError('the EDR accepted the isolation but returned no `action_id` and `state`');
  }
  return { hostname, action_id: body.action_id, state: body.state };
}

async function hostStatus(input) {
  const hostname = validHostname(input?.hostname);

  const body = await send('GET', `/api/v1/hosts/${hostname}`);

  return {
    hostname,
    isolated: body.isolated === true,
    last_seen: typeof body.last_seen === 'string' ? body.last_seen : '',
  };
}

function validHostname(value) {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidError('`hostname` is missing; pass the host name the EDR knows, such as "fin-ws-042"');
  }
  const hostname = value.toLowerCase();
  if (hostname.length > MAX_HOSTNAME_BYTES || !HOSTNAME.test(hostname)) {
    throw new InvalidError(
      `\`hostname\` ${JSON.stringify(value.slice(0, 80))} is not a valid host name; use letters, digits, dashes and dots`,
    );
  }
  return hostname;
}

function validComment(value) {
  if (value === undefined || value === null) {
    return 'isolated by Moat';
  }
  if (typeof value !== 'string' || value.length > MAX_COMMENT_CHARS) {
    throw new InvalidError(`\`comment\` must be a string of at most ${MAX_COMMENT_CHARS} characters`);
  }
  return value;
}

// Sends one request to the EDR and returns the parsed JSON body.
async function send(method, path, payload) {
  const url = `${config.require('base_url').replace(/\/+$/, '')}${path}`;
  const headers = { authorization: `Bearer ${secrets.placeholder('edr_api_token')}`, accept: 'application/json' };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
  }

  const response = await http.request(url, {
    method,
    headers,
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const text = await response.text();

  if (response.status === 404) {
    throw new NotFoundError(`the EDR does not know this host (${method} ${path} returned 404)`);
  }
  if (!response.ok) {
    throw new UpstreamError(`the EDR returned HTTP ${response.status} for ${method} ${path}: ${text.slice(0, 200)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UpstreamError(`the EDR returned invalid JSON for ${method} ${path}: ${error.message}`);
  }
}
