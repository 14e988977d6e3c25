/**
 * The in-process part of the audit benchmark (bench/audit.ts): what recording a request costs
 * per entry for the request event of a 1 KiB header-signed GET — selecting and redacting its
 * headers (facts.ts), its entry's JSON (auditEntryFields) and the chained line's bytes and
 * SHA-256 (Chain.fieldsTo into a batch's LineBuffer), as a target's queue does when it takes a batch — next to the previous
 * way measured in the same run: toAuditEntry, JSON.stringify, Chain.line and the UTF-8 encoding.
 */
import {
  type AuditEvent,
  auditEntryFields,
  Chain,
  deriveAuditKey,
  selectRequestHeaders,
  selectResponseHeaders,
  toAuditEntry,
} from '../src/audit/index.js';
import { LineBuffer } from '../src/audit/targets/line-buffer.js';

const BUCKET = 'bench';
const KEY = 'obj-1k';

/** In-process: µs per entry, best of 3. */
export interface EntryCost {
  /** Selecting and redacting the event's headers (facts.ts), as the http layer does per request. */
  selectUs: number;
  /** auditEntryFields + Chain.fieldsTo a LineBuffer: the line's bytes, chained (what a queue does per line of a batch). */
  lineUs: number;
  /** The previous way: toAuditEntry + JSON.stringify + Chain.line + the UTF-8 encoding. */
  previousUs: number;
  lineBytes: number;
}

const RAW_HEADERS = {
  host: '127.0.0.1:9000',
  'user-agent': 'bench',
  authorization:
    'AWS4-HMAC-SHA256 Credential=tessera-bench-root/20261201/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-bench-nonce, Signature=0f343b0931126a20f133d67c2b018a3b0f343b0931126a20f133d67c2b018a3b',
  'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'x-amz-date': '20261201T151500Z',
  'x-bench-nonce': '42',
};
const RAW_RESPONSE: Record<string, string> = {
  'content-type': 'application/octet-stream',
  'content-length': '1024',
  etag: '"0f343b0931126a20f133d67c2b018a3b"',
  'last-modified': 'Tue, 01 Dec 2026 15:00:00 GMT',
  'x-amz-request-id': '18C1EAE84853D6A6',
};

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
  const ctx = { node: 'bench-1' };
  const key = deriveAuditKey('bench', Buffer.alloc(32));
  const plain = sampleGet();
  // The event as the http layer hands it over: maps selected (and redacted) by facts.ts, the
  // auth facts one frozen object per principal.
  const e: AuditEvent = {
    ...plain,
    request: { ...plain.request, headers: selectRequestHeaders(RAW_HEADERS) },
    response: { headers: selectResponseHeaders((n) => RAW_RESPONSE[n]) },
    auth: Object.freeze({ ...plain.auth }),
  };
  const chain = new Chain('bench-1-x', key);
  let batch = new LineBuffer(1000 * 1600);
  const old = new Chain('bench-1-y', key);
  return {
    selectUs: bestUs(ms, () => [
      selectRequestHeaders(RAW_HEADERS),
      selectResponseHeaders((n) => RAW_RESPONSE[n]),
    ]),
    lineUs: bestUs(ms, () => {
      // A batch's buffer, as a queue's takeBatch fills one: a fresh one every 1000 lines.
      if (batch.lines >= 1000) batch = new LineBuffer(1000 * 1600);
      chain.fieldsTo(auditEntryFields(e, ctx), batch);
    }),
    previousUs: bestUs(ms, () => Buffer.byteLength(old.line(toAuditEntry(plain, ctx)))),
    lineBytes: Buffer.byteLength(chain.lineOfFields(auditEntryFields(e, ctx))) + 1,
  };
}
