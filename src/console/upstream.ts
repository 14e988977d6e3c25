import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { TesseraError } from '../core/index.js';

/** The server's own S3 listener, which every console call is relayed to. */
export interface Upstream {
  /** The listener's host: the configured one, 127.0.0.1 for a wildcard. */
  readonly host: string;
  /** Its port (read when called: the listener may have been given one by the system). */
  readonly port: () => number;
  /** The listener serves HTTPS. */
  readonly tls: boolean;
}

/** One request to the listener. */
export interface UpstreamCall {
  readonly method: string;
  /** Raw path and query, as signed. */
  readonly path: string;
  readonly headers: Record<string, string>;
  /** A stream (S3 uploads) or bytes; none for GET. */
  readonly body?: Readable | Buffer;
}

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
// The listener's certificate names the public host, not the loopback address the console calls:
// the connection stays on this machine and carries signed requests (never a secret key).
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64, rejectUnauthorized: false });

/** The `host` header of calls to the listener (signed). */
export function upstreamHost(u: Upstream): string {
  const h = u.host.includes(':') ? `[${u.host}]` : u.host;
  return `${h}:${u.port()}`;
}

/** Sends the call and resolves with the listener's answer (not yet read). ConsoleUpstreamUnavailable when it cannot be reached. */
export function callUpstream(u: Upstream, c: UpstreamCall): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const options = {
      host: u.host,
      port: u.port(),
      method: c.method,
      path: c.path,
      headers: c.headers,
    };
    const req = u.tls
      ? httpsRequest({ ...options, agent: httpsAgent })
      : httpRequest({ ...options, agent: httpAgent });
    req.once('response', resolve);
    req.once('error', (e) =>
      reject(new TesseraError('ConsoleUpstreamUnavailable', undefined, { cause: String(e) })),
    );
    const body = c.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      body.once('error', (e) => req.destroy(e));
      body.pipe(req);
    }
  });
}

/** Reads an answer in full, refusing more than `limit` bytes. */
export async function readAll(res: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      res.destroy();
      throw new TesseraError('InvalidArgument', `The body is larger than ${limit} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
