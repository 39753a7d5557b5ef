// Lines for the run's execution log. Always granted; the host masks secret
// values and truncates each line at 4 KiB.

import { write } from 'moat:platform/log@0.1.0';

export function debug(message) {
  write('debug', String(message));
}

export function info(message) {
  write('info', String(message));
}

export function warn(message) {
  write('warn', String(message));
}

export function error(message) {
  write('error', String(message));
}
