// The {{name}} connector: rewrites indicators so that they can be pasted
// into notes and tickets without becoming live links, and back.
//
// `defang` turns `https://login.example.net` into
// `hxxps://login[.]example[.]net`, and `refang` reverses it. Both take
// `{"value": "..."}` and return `{"value": "...", "changed": bool}`.

import { connector, InvalidError } from 'moat-sdk';

// Maximum length of a value, in characters.
const MAX_VALUE_CHARS = 4096;

const INPUT_SCHEMA = {
  type: 'object',
  properties: { value: { type: 'string', minLength: 1, maxLength: MAX_VALUE_CHARS } },
  required: ['value'],
  additionalProperties: false,
};
const OUTPUT_SCHEMA = {
  type: 'object',
  properties: { value: { type: 'string' }, changed: { type: 'boolean' } },
  required: ['value', 'changed'],
};

export const { describe, invoke } = connector({
  defang: {
    description: 'Rewrites a URL, domain, address or e-mail address so that it is not a live link.',
    inputSchema: INPUT_SCHEMA,
    outputSchema: OUTPUT_SCHEMA,
    handler: rewrite('defang', defang),
  },
  refang: {
    description: 'Restores a value that `defang` rewrote.',
    inputSchema: INPUT_SCHEMA,
    outputSchema: OUTPUT_SCHEMA,
    handler: rewrite('refang', refang),
  },
});

/** Returns the handler of `action`, which checks the input and applies `transform`. */
function rewrite(action, transform) {
  return (input) => {
    const isObject = input !== null && typeof input === 'object' && !Array.isArray(input);
    if (!isObject || Object.keys(input).join() !== 'value') {
      throw new InvalidError(`the input of action \`${action}\` must be {"value": "..."}`);
    }
    const { value } = input;
    // Counted in code points, as the Rust and Python templates count characters.
    const length = typeof value === 'string' ? [...value].length : 0;
    if (length < 1 || length > MAX_VALUE_CHARS) {
      throw new InvalidError(
        `\`value\` of action \`${action}\` must be a string of 1 to ${MAX_VALUE_CHARS} characters`,
      );
    }
    const result = transform(value);
    return { value: result, changed: result !== value };
  };
}

/** Defangs `value`, refanging it first so that a defanged value stays as it is. */
function defang(value) {
  const unlinked = swapScheme(refang(value), 'http', 'hxxp');
  return unlinked.replaceAll('.', '[.]').replaceAll('@', '[@]');
}

function refang(value) {
  const plain = value.replaceAll('[.]', '.').replaceAll('[@]', '@');
  return swapScheme(plain, 'hxxp', 'http');
}

/** Replaces the scheme prefix `from` with `to` when `value` starts with `from://` or `froms://`. */
function swapScheme(value, from, to) {
  if (value.startsWith(`${from}://`) || value.startsWith(`${from}s://`)) {
    return to + value.slice(from.length);
  }
  return value;
}
