// Test guest that returns at once, so that a run costs only the JavaScript
// runtime's own work: instantiation, the SDK's trigger decoding and the
// JSON encoding of the result. The per-run benchmark compares it with bare
// wasmtime running the same component.

import { playbook } from 'moat-sdk';

export const run = playbook(() => ({ summary: 'ok', data: {} }));
