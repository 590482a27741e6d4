import * as tl from 'azure-pipelines-task-lib/task';

const registered = new Set<string>();

/**
 * Registers a secret with the agent, which masks it in every later line of the log, together
 * with the forms derived from it that could otherwise slip through: its base64 and URL-encoded
 * forms. Must be called before anything built from the secret can be printed.
 */
export function registerSecret(value: string | undefined): void {
  if (!value) return;
  // The agent masks line by line and refuses a multi-line secret (a PEM key): register each
  // line of it on its own.
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r?\n/)) registerSecret(line.trim());
    return;
  }
  const forms = [
    value,
    Buffer.from(value).toString('base64'),
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
  ];
  for (const form of forms) {
    if (form.length === 0 || registered.has(form)) continue;
    registered.add(form);
    tl.setSecret(form);
  }
}

/** Registers a user name and password and every header or URL built from the pair. */
export function registerBasicCredentials(username: string, password: string): void {
  registerSecret(password);
  const pair = `${username}:${password}`;
  registerSecret(pair);
  registerSecret(`${encodeURIComponent(username)}:${encodeURIComponent(password)}`);
}
