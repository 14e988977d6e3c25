/**
 * The in-process part of the audit benchmark (bench/audit.ts): what the file target's drain does
 * per entry — the mapping and redaction (toAuditEntry), the chained line (JSON and SHA-256) and
 * the UTF-8 encoding of the write — for the request event of a 1 KiB header-signed GET.
 */
import { type AuditEvent, Chain, deriveAuditKey, toAuditEntry } from '../src/audit/index.js';

const BUCKET = 'bench';
const KEY = 'obj-1k';

/** In-process: µs per entry of the file target's drain work, best of 3. */
export interface EntryCost {
  /** toAuditEntry (mapping and redaction). */
  entryUs: number;
  /** toAuditEntry + Chain.line (JSON and SHA-256) + the UTF-8 encoding of the write. */
  lineUs: number;
  lineBytes: number;
}

/** A request event as the 1 KiB header-signed GET of this benchmark makes it. */
export function sampleGet(): AuditEvent {
  return {
    time: new Date().toISOString(),
    deploymentId: '2c275eed-a264-495f-b7b8-c158326fd4a3',
    requestId: '18C1EAE84853D6A6',
    api: 'GetObject',
    bucket: BUCKET,
    key: KEY,
    remoteAddress: '127.0.0.1',
    request: {
      method: 'GET',
      host: '127.0.0.1:9000',
      path: `/${BUCKET}/${KEY}`,
      query: {},
      headers: {
        host: '127.0.0.1:9000',
        authorization:
          'AWS4-HMAC-SHA256 Credential=tessera-bench-root/20261201/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-bench-nonce, Signature=REDACTED',
        'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'x-amz-date': '20261201T151500Z',
      },
    },
    response: {
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': '1024',
        etag: '"0f343b0931126a20f133d67c2b018a3b"',
        'last-modified': 'Tue, 01 Dec 2026 15:00:00 GMT',
        'x-amz-request-id': '18C1EAE84853D6A6',
      },
    },
    auth: {
      kind: 'sigv4-header',
      accessKey: 'tessera-bench-root',
      principalType: 'root',
      principalArn: 'arn:aws:iam:::root',
      account: '',
      identitySource: 'builtin',
    },
    authz: {
      decision: 'allow',
      reason: 'root',
      actions: ['s3:GetObject'],
      resources: [`arn:aws:s3:::${BUCKET}/${KEY}`],
    },
    status: 200,
    bytesIn: 310,
    bytesOut: 1024,
    timings: { totalMs: 0.42, authMs: 0.08, firstByteMs: 0.4 },
  };
}

function bestUs(ms: number, fn: () => unknown): number {
  let sink: unknown;
  const run = () => {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      for (let k = 0; k < 100; k++) sink = fn();
      n += 100;
      t = performance.now();
    }
    return ((t - t0) * 1000) / n;
  };
  run();
  const best = Math.min(run(), run(), run());
  if (sink === Symbol.for('never')) throw new Error('unreachable');
  return best;
}

export function entryCost(ms: number): EntryCost {
  const e = sampleGet();
  const ctx = { node: 'bench-1' };
  const chain = new Chain('bench-1-x', deriveAuditKey('bench', Buffer.alloc(32)));
  const line = chain.line(toAuditEntry(e, ctx));
  return {
    entryUs: bestUs(ms, () => toAuditEntry(e, ctx)),
    lineUs: bestUs(ms, () => Buffer.byteLength(chain.line(toAuditEntry(e, ctx)))),
    lineBytes: Buffer.byteLength(line) + 1,
  };
}
