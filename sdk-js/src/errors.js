// Errors of host calls and of the component itself.
//
// Each class is one case of the WIT `error` variant in `moat:platform/types`.
// A host call that fails throws the matching class, and a playbook or
// connector that throws one of them ends its call with that error kind.

/** Failure of a capability call or of the component; `kind` is the WIT case. */
export class MoatError extends Error {
  constructor(message) {
    super(message);
    this.name = this.constructor.name;
  }

  get kind() {
    return 'internal';
  }

  /** Returns the WIT `error` value for this error. */
  toWit() {
    return { tag: this.kind, val: this.message };
  }
}

/** The manifest does not grant the call; the message names the line to add. */
export class DeniedError extends MoatError {
  get kind() {
    return 'denied';
  }
}

export class NotFoundError extends MoatError {
  get kind() {
    return 'not-found';
  }
}

export class InvalidError extends MoatError {
  get kind() {
    return 'invalid';
  }
}

export class TimeoutError extends MoatError {
  get kind() {
    return 'timeout';
  }
}

export class LimitExceededError extends MoatError {
  get kind() {
    return 'limit-exceeded';
  }
}

export class UpstreamError extends MoatError {
  get kind() {
    return 'upstream';
  }
}

export class InternalError extends MoatError {
  get kind() {
    return 'internal';
  }
}

const CLASSES = {
  denied: DeniedError,
  'not-found': NotFoundError,
  invalid: InvalidError,
  timeout: TimeoutError,
  'limit-exceeded': LimitExceededError,
  upstream: UpstreamError,
  internal: InternalError,
};

/** Converts a WIT `error` value (`{ tag, val }`) into the matching error. */
export function fromWit(error) {
  const Class = CLASSES[error.tag] ?? InternalError;
  return new Class(error.val);
}

/**
 * Calls a host import and throws a `MoatError` in place of the binding's
 * error, whose `payload` is the WIT `error` value.
 */
export function callHost(fn, ...args) {
  try {
    return fn(...args);
  } catch (error) {
    if (error && error.payload && typeof error.payload.tag === 'string') {
      throw fromWit(error.payload);
    }
    throw error;
  }
}
