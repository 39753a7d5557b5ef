// Export glue: turns plain functions into the exports of the `playbook` and
// `connector` worlds.
//
// A handler may be `async`. A `MoatError` it throws ends the call with that
// error kind. Any other error is logged with its stack and ends the call
// with an `internal` error that names it.

import * as log from './log.js';
import { InternalError, InvalidError, MoatError, NotFoundError } from './errors.js';
import { triggerFromWit } from './types.js';

/**
 * Returns the `run` export of a playbook. `handler` receives
 * `{ alert, input }` (see `triggerFromWit`) and returns
 * `{ summary, data }`, where `data` is any JSON value.
 *
 *     export const run = playbook(async ({ alert }) => ({ summary: 'done', data: {} }));
 */
export function playbook(handler) {
  return function run(trigger) {
    return settle(() => handler(triggerFromWit(trigger)), toRunOutput);
  };
}

/**
 * Returns the `describe` and `invoke` exports of a connector. `actions`
 * maps each action name to `{ description, inputSchema, outputSchema,
 * handler }`, where `handler` receives the parsed JSON input and returns
 * the JSON output.
 *
 *     export const { describe, invoke } = connector({ lookup: { ... } });
 */
export function connector(actions) {
  function describe() {
    return Object.entries(actions).map(([name, action]) => ({
      name,
      description: action.description ?? '',
      inputSchema: JSON.stringify(action.inputSchema ?? {}),
      outputSchema: JSON.stringify(action.outputSchema ?? {}),
    }));
  }

  function invoke(name, input) {
    return settle(() => {
      const action = Object.hasOwn(actions, name) ? actions[name] : undefined;
      if (action === undefined) {
        throw new NotFoundError(
          `unknown action \`${name}\`; this connector offers ${Object.keys(actions).join(', ')}`,
        );
      }
      return action.handler(parseInput(name, input));
    }, (output) => JSON.stringify(output ?? null));
  }

  return { describe, invoke };
}

function parseInput(action, input) {
  try {
    return JSON.parse(input);
  } catch (error) {
    throw new InvalidError(`the input of action \`${action}\` is not valid JSON: ${error.message}`);
  }
}

function toRunOutput(output) {
  const summary = output?.summary;
  if (typeof summary !== 'string') {
    throw new InvalidError('the playbook returned no `summary` string; return { summary, data }');
  }
  return { summary, data: JSON.stringify(output.data ?? null) };
}

// Calls `body`, converts its result with `convert`, and turns any error into
// the thrown form the bindings return as the WIT `error` case. A promise
// result is awaited, so the export returns a promise in that case.
function settle(body, convert) {
  let result;
  try {
    result = body();
  } catch (error) {
    throw toWitError(error);
  }
  if (result && typeof result.then === 'function') {
    return result.then(
      (value) => convertOrThrow(convert, value),
      (error) => {
        throw toWitError(error);
      },
    );
  }
  return convertOrThrow(convert, result);
}

function convertOrThrow(convert, value) {
  try {
    return convert(value);
  } catch (error) {
    throw toWitError(error);
  }
}

// The bindings take the `payload` property of a thrown value as the error.
function toWitError(error) {
  const failure = error instanceof MoatError ? error : unexpected(error);
  const thrown = new Error(failure.message);
  thrown.payload = failure.toWit();
  return thrown;
}

function unexpected(error) {
  const name = error?.name ?? typeof error;
  const message = error?.message ?? String(error);
  log.error(error?.stack ? `${name}: ${message}\n${error.stack}` : `${name}: ${message}`);
  // A bare `fetch` loses the host's reason for a failed request.
  const hint = message.includes('NetworkError')
    ? '; send requests with http.request from moat-sdk to get the reason, or see the denied events of the run'
    : '';
  return new InternalError(`the component threw ${name}: ${message}${hint}`);
}
