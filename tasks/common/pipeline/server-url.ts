import { Writable } from 'node:stream';
import * as tl from 'azure-pipelines-task-lib/task';
import { redactUrl } from '../http/redact';
import { UserError } from '../user-error';
import { registerBasicCredentials, registerSecret } from './secrets';

/**
 * Reads a URL input that may carry credentials (`http://user:password@host`). task-lib's
 * getInput writes every value to the debug log as it reads it, before the task could register
 * the password; the read goes to a silent stream, and the debug line is written afterwards
 * with the credentials masked.
 */
export function readUrlInput(name: string, required: boolean): string | undefined {
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  tl.setStdStream(silent);
  let raw: string | undefined;
  try {
    raw = tl.getInput(name, false)?.trim() || undefined;
  } finally {
    tl.setStdStream(process.stdout);
  }
  if (raw === undefined) {
    if (required) throw new UserError(`Input required: ${name}`);
    return undefined;
  }
  try {
    registerCredentials(new URL(raw), raw);
    tl.debug(`${name}=${redactUrl(raw)}`);
  } catch {
    tl.debug(`${name}=(not a URL)`);
  }
  return raw;
}

function registerCredentials(url: URL, raw: string): void {
  if (!url.username && !url.password) return;
  registerSecret(raw);
  registerBasicCredentials(url.username, url.password);
  try {
    registerBasicCredentials(decodeURIComponent(url.username), decodeURIComponent(url.password));
  } catch {
    // A stray % in the password: the raw form above is what a log would show.
  }
}

/**
 * Checks an http(s) server URL given as an input and registers any user name and password in
 * it as secrets before anything could print them. `example` goes into the error's fix.
 */
export function checkServerUrl(input: string, raw: string, example: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url) registerCredentials(url, raw);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    // The value is shown unless it may hold credentials (user:password@host).
    const shown = raw.includes('@') ? 'the value' : `"${raw}"`;
    throw new UserError(
      `Input ${input}: ${shown} is not an http or https URL. Give the server's base URL, ` +
        `e.g. ${example}.`,
    );
  }
  return raw;
}
