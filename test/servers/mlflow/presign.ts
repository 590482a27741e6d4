import { createHash, createHmac } from 'node:crypto';

/** What a SigV4 query signature needs. */
export interface PresignInput {
  method: string;
  /** Endpoint as the server sees it, e.g. http://127.0.0.1:9000 (path-style addressing). */
  endpoint: string;
  bucket: string;
  key: string;
  query: Record<string, string>;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  expiresSeconds: number;
  now: Date;
}

/** RFC 3986 encoding as SigV4 requires it. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** A presigned URL signed for the `host` header only, as boto3 makes the mpu part URLs. */
export function presignUrl(input: PresignInput): string {
  const url = new URL(input.endpoint);
  const amzDate = input.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${input.region}/s3/aws4_request`;
  const path = `/${[input.bucket, ...input.key.split('/')].map(encode).join('/')}`;
  const query: Record<string, string> = {
    ...input.query,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${input.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(input.expiresSeconds),
    'X-Amz-SignedHeaders': 'host',
  };
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((name) => `${encode(name)}=${encode(query[name] ?? '')}`)
    .join('&');
  const canonicalRequest = [
    input.method,
    path,
    canonicalQuery,
    `host:${url.host}\n`,
    'host',
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  let key = hmac(`AWS4${input.secretAccessKey}`, day);
  for (const part of [input.region, 's3', 'aws4_request']) key = hmac(key, part);
  const signature = hmac(key, stringToSign).toString('hex');
  const ordered = Object.entries(query).map(([name, value]) => `${encode(name)}=${encode(value)}`);
  return `${url.origin}${path}?${ordered.join('&')}&X-Amz-Signature=${signature}`;
}
