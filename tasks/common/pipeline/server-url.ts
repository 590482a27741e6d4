import { UserError } from '../user-error';
import { registerBasicCredentials, registerSecret } from './secrets';

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
  if (url && (url.username || url.password)) {
    registerSecret(raw);
    registerBasicCredentials(url.username, url.password);
    try {
      registerBasicCredentials(decodeURIComponent(url.username), decodeURIComponent(url.password));
    } catch {
      // A stray % in the password: the raw form above is what a log would show.
    }
  }
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
