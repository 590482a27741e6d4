/**
 * The likely fix for each class of failure, written for the pipeline author. Kept apart from
 * the transport so every server (MLflow, S3, Triton) gets the same advice.
 */

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** True when the network error code is a certificate verification failure. */
export function isTlsVerificationCode(code: string | undefined): boolean {
  return code !== undefined && TLS_CODES.has(code);
}

/** Advice for a failure where no HTTP answer arrived. */
export function hintForNetworkError(
  code: string | undefined,
  message: string,
  url: URL,
  serverName: string,
): string {
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  if (code === 'ECONNREFUSED') {
    return (
      `Nothing accepts connections at ${where}: check the ${serverName} URL ` +
      `(host, port, http or https) and that the server is running`
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return (
      `The agent cannot resolve the host name "${url.hostname}": check the ${serverName} URL ` +
      `and the agent's DNS (in a compose network, use a name the agent can resolve)`
    );
  }
  if (isTlsVerificationCode(code)) {
    return (
      `The ${serverName} server's TLS certificate is not trusted (${code}): set the CA ` +
      `certificate of the service connection (or MLFLOW_TRACKING_SERVER_CERT_PATH), or, only ` +
      `for a test server, accept untrusted certificates explicitly`
    );
  }
  if (/wrong version number|packet length too long|EPROTO/i.test(`${code} ${message}`)) {
    return (
      `The server at ${where} does not speak TLS: use http:// instead of https:// in the ` +
      `${serverName} URL`
    );
  }
  if (code === 'ECONNRESET' && url.protocol === 'http:') {
    return (
      `The server closed the connection: if it serves HTTPS on that port, use https:// in ` +
      `the ${serverName} URL; otherwise check the server's logs`
    );
  }
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ERR_CONNECT_TIMEOUT') {
    return (
      `No answer in time from ${where}: check that the ${serverName} server is up and that ` +
      `no firewall drops the connection, or raise the timeout`
    );
  }
  return `Check the ${serverName} URL and that the server is reachable from the agent`;
}

/** Advice for an HTTP answer that is an error. */
export function hintForStatus(
  status: number,
  serverName: string,
  bodyIsHtml: boolean,
  serverMessage: string | undefined,
): string | undefined {
  if (status === 401) {
    return (
      `${serverName} refused the credentials: check the user name and password or the token ` +
      `of the service connection (or MLFLOW_TRACKING_USERNAME/PASSWORD/TOKEN)`
    );
  }
  if (status === 403) {
    if (serverMessage && /invalid host header/i.test(serverMessage)) {
      return (
        `The ${serverName} 3.x server rejects the Host header the agent sends: start it with ` +
        `the agent's host name among its allowed hosts (mlflow server --allowed-hosts ...)`
      );
    }
    if (serverMessage && /cross-origin/i.test(serverMessage)) {
      return (
        `The ${serverName} 3.x server blocks cross-origin requests: start it with this ` +
        `origin allowed (mlflow server --cors-allowed-origins ...)`
      );
    }
    return (
      `The credentials are valid but lack permission: check the user's permissions on this ` +
      `experiment or model in ${serverName}`
    );
  }
  if (status === 404 && bodyIsHtml) {
    return (
      `The answer is a web page, not ${serverName}'s API: the URL is likely not the server's ` +
      `base URL (remove extra path such as /#/, or add the prefix of your reverse proxy)`
    );
  }
  if (status === 405 && bodyIsHtml) {
    return `The server refuses this method here: check that the URL points at ${serverName}`;
  }
  if (status === 503 && serverMessage && /artifact/i.test(serverMessage)) {
    return (
      `The MLflow server does not serve artifacts (started with --no-serve-artifacts): ` +
      `configure direct S3 access (MLFLOW_S3_ENDPOINT_URL and AWS credentials)`
    );
  }
  return undefined;
}
