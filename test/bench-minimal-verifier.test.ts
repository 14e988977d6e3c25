/**
 * The benchmark's minimal SigV4 verifier (bench/server/minimal-sigv4.ts) is correct: it
 * reproduces every canonical request, string to sign and signature of the official suite
 * (test/vectors/sigv4) and accepts each signed request S3 would accept, refusing it after a
 * one-byte change; it accepts what the AWS SDK's signer (@smithy/signature-v4, as the harness
 * signs) produces — presigned URLs, header signatures, SHA-256 and streaming payloads — and
 * refuses a tampered signature, a tampered body, an expired URL and a skewed clock.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, ROOT_USER } from '../bench/server/common.js';
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  createSignature,
  queryParams,
  signingKey,
  stringToSign,
} from '../bench/server/minimal-canonical.js';
import { bodyCheck } from '../bench/server/minimal-payload.js';
import {
  AuthFailure,
  type MinimalOptions,
  type MinimalRequest,
  type PayloadCheck,
  verifyMinimal,
} from '../bench/server/minimal-sigv4.js';
import { type PreparedRequest, presign, signRequest, streamingPut } from '../bench/server/signing.js';

const DIR = join(import.meta.dirname, 'vectors', 'sigv4');
/** Vectors whose path S3 does not normalize (and the token left out of a signed query): S3 refuses them. */
const S3_REJECTS = new Set([
  'get-relative-normalized/header',
  'get-relative-normalized/query',
  'get-relative-relative-normalized/header',
  'get-relative-relative-normalized/query',
  'get-slash-dot-slash-normalized/header',
  'get-slash-dot-slash-normalized/query',
  'get-slash-normalized/header',
  'get-slash-normalized/query',
  'get-slash-pointless-dot-normalized/header',
  'get-slash-pointless-dot-normalized/query',
  'get-slashes-normalized/header',
  'get-slashes-normalized/query',
  'post-sts-header-after/query',
]);

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  region: string;
  service: string;
  timestamp: string;
}

/** A raw request as the suite writes it: repeated headers become arrays, folded lines continue. */
function parseRequest(text: string): MinimalRequest {
  const blank = text.indexOf('\n\n');
  const lines = (blank === -1 ? text : text.slice(0, blank)).split('\n');
  const first = lines[0]!;
  const method = first.slice(0, first.indexOf(' '));
  const target = first.slice(method.length + 1, first.lastIndexOf(' '));
  const q = target.indexOf('?');
  const headers: Record<string, string[]> = {};
  let last: string[] | undefined;
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    if (/^[ \t]/.test(line) && last) last[last.length - 1] += `\n${line}`;
    else {
      const name = line.slice(0, line.indexOf(':')).toLowerCase();
      last = headers[name] ??= [];
      last.push(line.slice(line.indexOf(':') + 1));
    }
  }
  const req: MinimalRequest = {
    method,
    rawPath: q === -1 ? target : target.slice(0, q),
    rawQuery: q === -1 ? '' : target.slice(q + 1),
    headers,
  };
  const body = blank === -1 ? '' : text.slice(blank + 2);
  if (body !== '') req.body = Buffer.from(body);
  return req;
}

/** Changes one byte: the last digit (+1), else the last character. */
function mutate(value: string): string {
  const m = /\d(?=\D*$)/.exec(value);
  const i = m ? m.index : value.length - 1;
  const c = value[i]!;
  const next = m ? String((Number(c) + 1) % 10) : c === 'a' ? 'b' : 'a';
  return value.slice(0, i) + next + value.slice(i + 1);
}

/** The code the verifier refuses with, or 'accepted'. */
function outcome(req: MinimalRequest, o: MinimalOptions): string {
  try {
    verifyMinimal(req, o);
    return 'accepted';
  } catch (e) {
    expect(e).toBeInstanceOf(AuthFailure);
    return (e as AuthFailure).code;
  }
}

const vectors = readdirSync(DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

it('reads the whole official suite', () => {
  expect(vectors).toHaveLength(38);
});

describe.each(vectors)('SigV4 vector %s', (name) => {
  const read = (file: string) => readFileSync(join(DIR, name, file), 'utf8');
  const ctx = JSON.parse(read('context.json')) as Context;
  const { access_key_id, secret_access_key, token } = ctx.credentials;
  const opts: MinimalOptions = {
    now: Date.parse(ctx.timestamp),
    service: ctx.service,
    region: ctx.region,
    lookup: (k) =>
      k === access_key_id
        ? { secretKey: secret_access_key, ...(token ? { sessionToken: token } : {}) }
        : undefined,
  };

  it.each(['header', 'query'] as const)('%s form', (form) => {
    const expectedCanonical = read(`${form}-canonical-request.txt`);
    const expectedSts = read(`${form}-string-to-sign.txt`);
    const [, amzDate, scope] = expectedSts.split('\n') as [string, string, string];
    const key = signingKey(secret_access_key, scope.slice(0, 8), ctx.region, ctx.service);
    expect(stringToSign(amzDate, scope, expectedCanonical)).toBe(expectedSts);
    expect(createSignature(key, expectedSts)).toBe(read(`${form}-signature.txt`).trim());

    // The canonical request from the signed request as received (S3 rules: the path as sent).
    const req = parseRequest(read(`${form}-signed-request.txt`));
    const lines = expectedCanonical.split('\n');
    const signedHeaders = lines[lines.length - 2]!;
    const ours = canonicalRequest(
      req.method,
      canonicalUri(req.rawPath),
      canonicalQuery(queryParams(req.rawQuery), form === 'query' ? 'X-Amz-Signature' : undefined),
      req.headers,
      signedHeaders,
      lines[lines.length - 1]!,
    );
    const rejects = S3_REJECTS.has(`${name}/${form}`);
    expect(ours === expectedCanonical).toBe(!rejects);
    if (rejects) {
      expect(outcome(req, opts)).toBe('SignatureDoesNotMatch');
      return;
    }
    expect(outcome(req, opts)).toBe('accepted');

    // One-byte changes of every signed part are refused.
    const variants: [string, MinimalRequest][] = [
      ['method', { ...req, method: mutate(req.method) }],
      ['path', { ...req, rawPath: mutate(req.rawPath) }],
    ];
    for (const h of signedHeaders.split(';'))
      variants.push([
        `header ${h}`,
        { ...req, headers: { ...req.headers, [h]: mutate(String(req.headers[h])) } },
      ]);
    const params = req.rawQuery ? req.rawQuery.split('&') : [];
    params.forEach((p, i) => {
      const changed = params.map((x, j) => (j === i ? mutate(x) : x)).join('&');
      variants.push([`query ${p.slice(0, p.indexOf('='))}`, { ...req, rawQuery: changed }]);
    });
    if (form === 'header') {
      const authorization = String(req.headers.authorization);
      variants.push([
        'signature',
        { ...req, headers: { ...req.headers, authorization: mutate(authorization) } },
      ]);
    }
    if (req.body) {
      const body = Buffer.from(req.body);
      body[0]! ^= 1;
      variants.push(['body', { ...req, body }]);
    }
    for (const [part, variant] of variants) {
      const code = outcome(variant, opts);
      if (part !== 'body' || form === 'query') expect(code, `${form} ${part}`).not.toBe('accepted');
      // A declared x-amz-content-sha256 is checked against the body as it streams.
      else if (code === 'accepted') expect(bodyFails(verifyMinimal(variant, opts), variant.body!)).toBe(true);
    }
  });
});

/** node:http's view of a request the harness prepared: lower-case header names, path and query apart. */
function asReceived(r: PreparedRequest): MinimalRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
  const q = r.path.indexOf('?');
  return {
    method: r.method,
    rawPath: q < 0 ? r.path : r.path.slice(0, q),
    rawQuery: q < 0 ? '' : r.path.slice(q + 1),
    headers,
  };
}

const sdk: MinimalOptions = {
  now: Date.now(),
  region: 'us-east-1',
  lookup: (k) => (k === ROOT_USER ? { secretKey: ROOT_PASSWORD } : undefined),
};
const at = (ms: number): MinimalOptions => ({ ...sdk, now: Date.now() + ms });

/** Feeds `body` to the payload check in odd-sized pieces; true when the check refuses it. */
function bodyFails(p: PayloadCheck, body: Buffer): boolean {
  const check = bodyCheck(p);
  if (!check) return false;
  try {
    for (let i = 0; i < body.length; i += 7919) check.update(body.subarray(i, i + 7919));
    check.end();
    return false;
  } catch (e) {
    expect(e).toBeInstanceOf(AuthFailure);
    return true;
  }
}

describe('requests signed by the AWS SDK signer (as the harness signs them)', () => {
  it('accepts a presigned GET and refuses it tampered, expired or not yet valid', async () => {
    const req = asReceived(await presign(9000, 'GET', '/bench/obj-1k'));
    expect(verifyMinimal(req, sdk)).toEqual({ type: 'none' });
    const tampered = {
      ...req,
      rawQuery: req.rawQuery.replace(
        /X-Amz-Signature=([0-9a-f])/,
        (_, c) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`,
      ),
    };
    expect(outcome(tampered, sdk)).toBe('SignatureDoesNotMatch');
    expect(outcome({ ...req, rawPath: '/bench/obj-1K' }, sdk)).toBe('SignatureDoesNotMatch');
    expect(outcome(req, at(3601_000))).toBe('AccessDenied');
    expect(outcome(req, at(-16 * 60_000))).toBe('AccessDenied');
    expect(outcome({ ...req, headers: { host: '127.0.0.1:9001' } }, sdk)).toBe('SignatureDoesNotMatch');
  });

  it('accepts header-signed GET, HEAD and listing requests, refuses a tampered or stale one', async () => {
    for (const r of [
      await signRequest(9000, 'GET', '/bench/obj-1k', { headers: { 'x-bench-nonce': '1' } }),
      await signRequest(9000, 'HEAD', '/bench/a%20key%2Bwith/odd%20chars%21'),
      await signRequest(9000, 'GET', '/bench-list', {
        query: { 'list-type': '2', prefix: 'dir 01/', delimiter: '/' },
      }),
    ]) {
      const req = asReceived(r);
      expect(outcome(req, sdk), r.path).toBe('accepted');
      const nonce = { ...req, headers: { ...req.headers, 'x-bench-nonce': '2' } };
      expect(outcome(nonce, sdk), r.path).toBe(
        req.headers['x-bench-nonce'] ? 'SignatureDoesNotMatch' : 'accepted',
      );
      const auth = String(req.headers.authorization);
      const tampered = { ...req, headers: { ...req.headers, authorization: mutate(auth) } };
      expect(outcome(tampered, sdk)).toBe('SignatureDoesNotMatch');
      expect(outcome(req, at(16 * 60_000))).toBe('RequestTimeTooSkewed');
      expect(outcome(req, { ...sdk, lookup: () => undefined })).toBe('InvalidAccessKeyId');
    }
  });

  it('checks a PUT body against its signed SHA-256', async () => {
    const body = Buffer.from('x'.repeat(20_000));
    const r = await signRequest(9000, 'PUT', '/bench-put/k', { body });
    const payload = verifyMinimal(asReceived(r), sdk);
    expect(payload.type).toBe('sha256');
    expect(bodyFails(payload, body)).toBe(false);
    const changed = Buffer.from(body);
    changed[12_345] = 0x79;
    expect(bodyFails(payload, changed)).toBe(true);
  });

  it('checks a streaming-signed PUT chunk by chunk, chained from the seed signature', async () => {
    const data = Buffer.alloc(200_000, 7);
    const r = await streamingPut(9000, '/bench-put/put-large', data, 64 * 1024);
    const payload = verifyMinimal(asReceived(r), sdk);
    expect(payload.type).toBe('chunks');
    expect(bodyFails(payload, r.body!)).toBe(false);
    const flipped = Buffer.from(r.body!);
    flipped[100_000]! ^= 1;
    expect(bodyFails(payload, flipped)).toBe(true);
    expect(bodyFails(payload, r.body!.subarray(0, r.body!.length - 2))).toBe(true);
    // Chunks of another request (another seed) do not verify.
    const other = await streamingPut(9000, '/bench-put/other', data, 64 * 1024);
    expect(bodyFails(payload, other.body!)).toBe(true);
  });

  it('imports nothing from src/', () => {
    for (const f of ['minimal-sigv4.ts', 'minimal-canonical.ts', 'minimal-payload.ts']) {
      const text = readFileSync(join(import.meta.dirname, '..', 'bench', 'server', f), 'utf8');
      expect(text, f).not.toMatch(/from '[^']*src\//);
    }
  });
});
