import { request as httpRequest } from 'node:http';

/** A live answer, as the replay compares it. */
export interface LiveAnswer {
  status: number;
  contentType: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Sends one request exactly as given: the path is not normalised (curl --path-as-is). */
export function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
): Promise<LiveAnswer> {
  const match = /^http:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(url);
  if (match === null) throw new Error(`cannot replay URL ${url}`);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: match[1],
        port: Number(match[2]),
        path: match[3] ?? '/',
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-length': body.length }) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            flat[name] = Array.isArray(value) ? value.join(', ') : (value ?? '');
          }
          resolve({
            status: response.statusCode ?? 0,
            contentType: flat['content-type'] ?? '',
            headers: flat,
            body: Buffer.concat(chunks),
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
