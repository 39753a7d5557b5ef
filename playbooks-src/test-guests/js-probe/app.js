// Test guest for the JavaScript SDK: one action per manual input. Every
// action that makes a host call returns `{ error_class, kind, message }`
// when the call throws a `MoatError`, so tests can check grants.
//
// - `{"action": "spin"}` loops forever, so that tests can check that a
//   JavaScript run stops at its deadline.
// - `{"action": "http", "url": ..., "method": "GET", "headers": {...},
//   "body": "..."}` sends one request with the SDK's `fetch` wrapper and
//   returns the status and body.
// - `{"action": "raw-fetch", "url": ...}` calls the global `fetch` without
//   the SDK and lets any error end the run.
// - `{"action": "secret", "name": ...}` reads a secret's value.
// - `{"action": "connector", "connector": ..., "call": ..., "input": ...}`
//   runs one connector action.
// - `{"action": "case"}` opens a case.
// - `{"action": "sdk"}` reads config `greeting`, writes and reads back
//   state key `counter`, and returns what each call returned.

import { cases, config, connectors, http, log, InvalidError, MoatError, observable, playbook, secrets, state } from 'moat-sdk';

export const run = playbook(async ({ input }) => {
  const action = input?.action;
  if (action === 'spin') {
    for (;;) {}
  }
  const handler = ACTIONS[action];
  if (handler === undefined) {
    throw new InvalidError(`unknown action ${JSON.stringify(action)}; expected spin, ${Object.keys(ACTIONS).join(', ')}`);
  }
  return { summary: action, data: await reportErrors(() => handler(input)) };
});

const ACTIONS = {
  http: send,
  'raw-fetch': async (input) => ({ status: (await fetch(input.url)).status }),
  secret: (input) => ({ value: secrets.get(input.name) }),
  connector: (input) => ({ output: connectors.invoke(input.connector, input.call, input.input ?? {}) }),
  case: openCase,
  sdk: exerciseSdk,
};

async function reportErrors(body) {
  try {
    return await body();
  } catch (error) {
    if (error instanceof MoatError) {
      return { error_class: error.constructor.name, kind: error.kind, message: error.message };
    }
    throw error;
  }
}

async function send(request) {
  const response = await http.request(request.url, {
    method: request.method ?? 'GET',
    headers: { 'x-probe': 'js', ...(request.headers ?? {}) },
    body: request.body,
  });
  return { status: response.status, body: await response.text() };
}

function openCase() {
  const opened = cases.openOrUpdate({
    dedupKey: 'js-probe',
    title: 'js-probe case',
    severity: 'low',
    observables: [observable('ipv4', '198.51.100.7')],
  });
  cases.addNote(opened.id, 'opened by js-probe');
  return { id: opened.id, created: opened.created };
}

function exerciseSdk() {
  log.info('js-probe: exercising the SDK');
  state.setJson('counter', { value: 41 });
  return {
    greeting: config.get('greeting') ?? null,
    missing_config: config.get('missing') ?? null,
    state: state.getJson('counter'),
    missing_state: state.get('missing') ?? null,
  };
}
