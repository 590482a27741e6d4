/** Query parameters that carry credentials or signatures derived from them. */
const SECRET_QUERY_KEYS =
  /^(x-amz-(signature|credential|security-token)|signature|token|sig|key)$/i;

/**
 * Returns the URL as it may be shown in a log: no user or password, and the values of
 * signing or token query parameters (as in presigned S3 URLs) replaced by `***`.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//***@');
  }
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY_KEYS.test(key)) parsed.searchParams.set(key, '***');
  }
  return parsed.toString();
}
