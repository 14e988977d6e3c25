import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ROOT_PASSWORD, ROOT_USER } from './server.js';

type Source = string | ArrayBuffer | ArrayBufferView;
function bytes(d: Source): Buffer | string {
  if (typeof d === 'string') return d;
  return ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d);
}

/** node:crypto as the hash the SDK's signer expects. */
export class NodeSha256 {
  private readonly h;
  constructor(secret?: Source) {
    this.h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: Source): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

export const signer = new SignatureV4({
  service: 's3',
  region: 'us-east-1',
  credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  sha256: NodeSha256,
  uriEscapePath: false,
});

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Bytes actually sent (may differ from what the headers claim). */
  body?: Buffer | string;
  /** Sign with this payload hash (default: the real SHA-256 of body). */
  payloadHash?: string;
  signingDate?: Date;
  /** Sign with these credentials instead of root's (e.g. an unknown key, or a wrong secret). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /**
   * Headers added after signing, so not covered by the signature: a header absent from
   * SignedHeaders, or (same name as a signed one) a value other than the one signed.
   */
  unsignedHeaders?: Record<string, string>;
  /** Close the socket after writing the body (simulates a client that goes away). */
  destroyAfterWrite?: boolean;
  unsigned?: boolean;
}

/** Sends one hand-made (optionally SigV4-signed) request and collects the answer. */
export async function rawRequest(port: number, r: RawRequest): Promise<RawResponse> {
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...r.headers };
  if (!r.unsigned) {
    headers['x-amz-content-sha256'] = r.payloadHash ?? createHash('sha256').update(body).digest('hex');
    const by = r.credentials
      ? new SignatureV4({
          service: 's3',
          region: 'us-east-1',
          credentials: r.credentials,
          sha256: NodeSha256,
          uriEscapePath: false,
        })
      : signer;
    const signed = await by.sign(
      {
        method: r.method,
        protocol: 'http:',
        hostname: '127.0.0.1',
        port,
        path: r.path,
        query: r.query ?? {},
        headers,
      },
      r.signingDate ? { signingDate: r.signingDate } : {},
    );
    Object.assign(headers, signed.headers);
  }
  Object.assign(headers, r.unsignedHeaders);
  const qs = new URLSearchParams(r.query ?? {}).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: r.method, path: r.path + (qs ? `?${qs}` : ''), headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    if (r.destroyAfterWrite) {
      req.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
      req.on('close', () => resolve({ status: 0, headers: {}, body: '' }));
      req.write(body, () => setTimeout(() => req.destroy(), 50));
    } else {
      req.on('error', reject);
      req.end(body);
    }
  });
}

/** The S3 error code in an XML error body. */
export function errorCode(res: RawResponse): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(res.body)?.[1];
}
