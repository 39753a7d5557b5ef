// Contains a threat on an endpoint: isolates the alert's host through the
// `edr-isolate` connector, records each action in the case timeline, and
// posts a message to the SOC chat webhook.
//
// Input: an alert with a `hostname` observable, or a manual run with
// `{"hostname": "...", "reason": "..."}`. Hosts listed in the
// `protected_hosts` config are never isolated; the case gets a note instead.
// A failed isolation fails the run after noting it on the case. A failed chat
// post is noted on the case, and the run still succeeds because the host is
// contained.

import { cases, config, connectors, http, log, InvalidError, MoatError, observable, playbook } from 'moat-sdk';

export const run = playbook(async ({ alert, input }) => {
  const target = alert ? targetFromAlert(alert) : targetFromInput(input);
  const opened = cases.openOrUpdate(target.caseRequest);
  log.info(`contain-host: case ${opened.id} for host ${target.hostname}`);

  if (protectedHosts().includes(target.hostname)) {
    cases.addNote(opened.id, `Host \`${target.hostname}\` is in \`protected_hosts\`, so it was not isolated. Contain it by hand.`);
    return { summary: `not isolated: ${target.hostname} is protected`, data: result(opened, target, null, false) };
  }

  const isolation = isolate(opened.id, target);
  cases.addNote(
    opened.id,
    `Isolated host \`${target.hostname}\` through the EDR: action \`${isolation.action_id}\`, state \`${isolation.state}\`.`,
  );
  cases.setStatus(opened.id, 'in-progress');

  const notified = await notifyChat(opened.id, target, isolation);
  const summary = notified ? `isolated ${target.hostname}` : `isolated ${target.hostname}; chat notification failed`;
  return { summary, data: result(opened, target, isolation, notified) };
});

function targetFromAlert(alert) {
  const host = alert.observables.find((item) => item.kind === 'hostname');
  if (!host) {
    throw new InvalidError(`alert ${alert.id} has no hostname observable, so there is no host to isolate`);
  }
  return {
    hostname: host.value,
    reason: alert.title,
    caseRequest: {
      dedupKey: alert.dedupKey,
      title: alert.title,
      severity: alert.severity,
      observables: alert.observables,
      alertId: alert.id,
    },
  };
}

function targetFromInput(input) {
  const hostname = input?.hostname;
  if (typeof hostname !== 'string' || hostname.length === 0) {
    throw new InvalidError('manual input needs {"hostname": "...", "reason": "..."}; `hostname` is missing');
  }
  const reason = typeof input.reason === 'string' && input.reason ? input.reason : 'manual containment';
  return {
    hostname: hostname.toLowerCase(),
    reason,
    caseRequest: {
      dedupKey: `contain-host:${hostname.toLowerCase()}`,
      title: `Containment of ${hostname}: ${reason}`,
      severity: 'high',
      observables: [observable('hostname', hostname.toLowerCase())],
    },
  };
}

function protectedHosts() {
  return (config.get('protected_hosts') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0);
}

function isolate(caseId, target) {
  try {
    return connectors.invoke('edr-isolate', 'isolate-host', {
      hostname: target.hostname,
      comment: `Moat case ${caseId}: ${target.reason}`.slice(0, 1000),
    });
  } catch (error) {
    if (error instanceof MoatError) {
      cases.addNote(caseId, `Isolation of \`${target.hostname}\` failed (${error.kind}): ${error.message}`);
    }
    throw error;
  }
}

// Posts the containment to the chat webhook; returns whether it was accepted.
async function notifyChat(caseId, target, isolation) {
  const url = config.get('chat_webhook_url');
  if (!url) {
    cases.addNote(caseId, 'No `chat_webhook_url` is configured, so the SOC chat was not notified.');
    return false;
  }

  const text = `Host ${target.hostname} was isolated (EDR action ${isolation.action_id}) for: ${target.reason}. Case ${caseId}.`;
  try {
    const response = await http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    if (!response.ok) {
      throw new Error(`the webhook returned HTTP ${response.status}`);
    }
  } catch (error) {
    log.warn(`contain-host: chat notification failed: ${error.message}`);
    cases.addNote(caseId, `The SOC chat was not notified: ${error.message}`);
    return false;
  }

  cases.addNote(caseId, 'Posted the containment to the SOC chat.');
  return true;
}

function result(opened, target, isolation, notified) {
  return {
    case_id: opened.id,
    hostname: target.hostname,
    isolated: isolation !== null,
    action_id: isolation?.action_id ?? null,
    state: isolation?.state ?? null,
    chat_notified: notified,
  };
}
