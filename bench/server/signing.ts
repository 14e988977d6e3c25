import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { REGION, ROOT_PASSWORD, ROOT_USER } from './common.js';

/** One HTTP request, ready to be replayed by a load generator. */
export interface PreparedRequest {
  method: string;
  /** Path and query exactly as they go on the request line. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** The raw bytes of a request as they go on the wire. */
export function rawRequest(r: PreparedRequest): Buffer {
  let head = `${r.method} ${r.path} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(r.headers)) head += `${k}: ${v}\r\n`;
  head += '\r\n';
  return r.body ? Buffer.concat([Buffer.from(head, 'latin1'), r.body]) : Buffer.from(head, 'latin1');
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(d: SourceData): string | Buffer {
  if (typeof d === 'string') return d;
  return ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d);
}

/** node:crypto behind the hash interface the SDK's signer takes (bench/sts.ts signs with it too). */
export class NodeSha256 {
  private readonly h;
  constructor(secret?: SourceData) {
    this.h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

/** The AWS SDK's own signer (what @aws-sdk/client-s3 uses), signing as the benchmark's root. */
const signer = new SignatureV4({
  service: 's3',
  region: REGION,
  credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  sha256: NodeSha256,
  uriEscapePath: false,
});

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
export const STREAMING_PAYLOAD = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';

/** RFC 3986 encoding as SigV4 canonicalizes query values. */
function uriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function queryString(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([k, v]) => `${uriEscape(k)}=${uriEscape(v)}`)
    .join('&');
}

/** A presigned URL's path and query (host-only signature, UNSIGNED-PAYLOAD), valid for an hour. */
export async function presign(port: number, method: string, path: string): Promise<PreparedRequest> {
  const host = `127.0.0.1:${port}`;
  // As @aws-sdk/s3-request-presigner does: the signer hoists it into X-Amz-Content-Sha256.
  const headers = { host, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' };
  const signed = await signer.presign(
    { method, protocol: 'http:', hostname: '127.0.0.1', port, path, query: {}, headers },
    { expiresIn: 3600 },
  );
  const query = signed.query as Record<string, string>;
  return { method, path: `${path}?${queryString(query)}`, headers: { host } };
}

export interface SignOptions {
  query?: Record<string, string>;
  body?: Buffer;
  /** Extra headers to sign (e.g. a nonce that makes every signature distinct). */
  headers?: Record<string, string>;
}

/** A header-signed request (Authorization header, real payload SHA-256) as the SDK sends it. */
export async function signRequest(
  port: number,
  method: string,
  path: string,
  o: SignOptions = {},
): Promise<PreparedRequest> {
  const host = `127.0.0.1:${port}`;
  const body = o.body ?? Buffer.alloc(0);
  const headers: Record<string, string> = {
    host,
    'x-amz-content-sha256': body.length ? createHash('sha256').update(body).digest('hex') : EMPTY_SHA256,
    ...o.headers,
  };
  if (o.body) headers['content-length'] = String(body.length);
  const query = o.query ?? {};
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path,
    query,
    headers,
  });
  const qs = queryString(query);
  const out: PreparedRequest = {
    method,
    path: qs ? `${path}?${qs}` : path,
    headers: signed.headers as Record<string, string>,
  };
  if (o.body) out.body = o.body;
  return out;
}

/**
 * `count` header-signed requests that differ only in a signed nonce header, so that every
 * request carries a signature the server has never seen (no verification result can be reused).
 */
export async function signMany(
  count: number,
  make: (i: number) => Promise<PreparedRequest>,
): Promise<PreparedRequest[]> {
  const out: PreparedRequest[] = [];
  for (let i = 0; i < count; i++) out.push(await make(i));
  return out;
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/**
 * A streaming-signed PUT (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): the aws-chunked body with chained
 * chunk signatures, built once in memory so that sending it costs the client only a write.
 */
export async function streamingPut(
  port: number,
  path: string,
  data: Buffer,
  chunkSize = 64 * 1024,
): Promise<PreparedRequest> {
  const host = `127.0.0.1:${port}`;
  const chunks = Math.ceil(data.length / chunkSize);
  const sigLine = ';chunk-signature='.length + 64 + 4; // ";chunk-signature=<64 hex>\r\n" + "\r\n"
  let framedLength = 0;
  for (let i = 0; i < chunks; i++) {
    const n = Math.min(chunkSize, data.length - i * chunkSize);
    framedLength += n.toString(16).length + sigLine + n;
  }
  framedLength += 1 + sigLine; // the final 0-size chunk
  const headers: Record<string, string> = {
    host,
    'x-amz-content-sha256': STREAMING_PAYLOAD,
    'x-amz-decoded-content-length': String(data.length),
    'content-encoding': 'aws-chunked',
    'content-length': String(framedLength),
  };
  const signed = await signer.sign({
    method: 'PUT',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path,
    query: {},
    headers,
  });
  const sh = signed.headers as Record<string, string>;
  const authorization = sh['authorization'] ?? sh['Authorization']!;
  const amzDate = sh['x-amz-date'] ?? sh['X-Amz-Date']!;
  const seed = /Signature=([0-9a-f]{64})/.exec(authorization)![1]!;
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${REGION}/s3/aws4_request`;
  const key = hmac(hmac(hmac(hmac(`AWS4${ROOT_PASSWORD}`, date), REGION), 's3'), 'aws4_request');

  const body = Buffer.allocUnsafe(framedLength);
  let at = 0;
  let prev = seed;
  const frame = (chunk: Buffer) => {
    // The string to sign of one chunk, chained from the previous chunk's signature.
    const toSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      amzDate,
      scope,
      prev,
      EMPTY_SHA256,
      createHash('sha256').update(chunk).digest('hex'),
    ].join('\n');
    prev = createHmac('sha256', key).update(toSign).digest('hex');
    at += body.write(`${chunk.length.toString(16)};chunk-signature=${prev}\r\n`, at, 'latin1');
    at += chunk.copy(body, at);
    at += body.write('\r\n', at, 'latin1');
  };
  for (let i = 0; i < chunks; i++)
    frame(data.subarray(i * chunkSize, Math.min(data.length, (i + 1) * chunkSize)));
  frame(Buffer.alloc(0));
  if (at !== framedLength) throw new Error(`streaming body framing: wrote ${at}, expected ${framedLength}`);
  return { method: 'PUT', path, headers: sh, body };
}
