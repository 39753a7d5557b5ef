// The {{name}} playbook: opens or updates the case of each alert, with the
// alert's observables, and notes on the case what it saw.

import { cases, InvalidError, log, playbook } from 'moat-sdk';

const NAME = '{{name}}';

export const run = playbook(({ alert }) => {
  if (!alert) {
    throw new InvalidError('this playbook runs on alerts, but it was started manually');
  }
  const opened = cases.openFromAlert(alert);
  cases.addNote(opened.id, note(alert));
  log.info(`alert ${alert.id} is on case ${opened.id}`);

  return {
    summary: summary(alert, opened.created),
    data: {
      case_id: opened.id,
      case_created: opened.created,
      alert_id: alert.id,
      observables: alert.observables.map(({ kind, value }) => ({ kind, value })),
    },
  };
});

/** Returns the one-line summary of the run. */
function summary(alert, created) {
  const verb = created ? 'Opened' : 'Updated';
  const count = alert.observables.length;
  const noun = count === 1 ? 'observable' : 'observables';
  return `${verb} a case for "${alert.title}" (${count} ${noun})`;
}

/** Returns the Markdown note that lists the alert's observables. */
function note(alert) {
  const lines = [
    `The ${NAME} playbook saw alert \`${alert.title}\` from ${alert.source} (severity ${alert.severity}).`,
    '',
  ];
  if (alert.observables.length === 0) {
    lines.push('It carries no observables.');
  }
  for (const { kind, value } of alert.observables) {
    lines.push(`- ${kind} \`${value}\``);
  }
  return `${lines.join('\n')}\n`;
}
