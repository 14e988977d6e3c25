/**
 * The official SigV4 suite (test/vectors/sigv4, kept in the repository with its README and licence),
 * looped: every canonical request, string to sign and signature is reproduced; every signed request S3 would accept verifies, and fails after
 * a one-byte change of any signed part. S3 does not normalize paths, so the `*-normalized` cases
 * whose path changes under normalization (and the query form of post-sts-header-after, whose token
 * is left out of the signed query) are requests S3 rejects: the test asserts exactly that.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, sha256Hex, TesseraError } from '../../core/index.js';
import { authenticate } from '../authenticate.js';
import { pickParams, splitQuery } from '../query.js';
import type { AuthRequest, VerifyOptions } from '../types.js';
import { parseV4Authorization } from './authorization-header.js';
import { canonicalRequest } from './canonical-request.js';
import { deriveSigningKey, signHex } from './signing-key.js';
import { stringToSign } from './string-to-sign.js';

const DIR = join(import.meta.dirname, '..', '..', '..', 'test', 'vectors', 'sigv4');
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

/** Parses a raw request as the suite writes it; repeated headers become arrays, folded lines continue. */
function parseRequest(text: string): AuthRequest {
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
  const req: AuthRequest = {
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

async function codeOf(req: AuthRequest, opts: VerifyOptions): Promise<string> {
  try {
    await authenticate(req, opts);
    return 'accepted';
  } catch (e) {
    expect(e).toBeInstanceOf(TesseraError);
    return (e as TesseraError).code;
  }
}

const cases = readdirSync(DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

it('reads the whole suite from the repository', () => {
  expect(cases).toHaveLength(38);
  expect(cases).toContain('get-vanilla');
});

describe.each(cases)('SigV4 vector %s', (name) => {
  const read = (file: string) => readFileSync(join(DIR, name, file), 'utf8');
  const ctx = JSON.parse(read('context.json')) as Context;
  const opts: VerifyOptions = {
    now: Date.parse(ctx.timestamp),
    services: [ctx.service],
    lookup: (accessKey) =>
      accessKey === ctx.credentials.access_key_id
        ? {
            accessKey,
            secretKey: ctx.credentials.secret_access_key,
            principal: 'vector',
            ...(ctx.credentials.token ? { sessionToken: ctx.credentials.token } : {}),
          }
        : undefined,
  };

  it.each(['header', 'query'] as const)('%s form', async (form) => {
    const expectedCanonical = read(`${form}-canonical-request.txt`);
    const expectedSts = read(`${form}-string-to-sign.txt`);
    const signature = read(`${form}-signature.txt`).trim();
    const scope = expectedSts.split('\n')[2]!;
    const amzDate = expectedSts.split('\n')[1]!;
    const key = deriveSigningKey(
      ctx.credentials.secret_access_key,
      scope.slice(0, 8),
      ctx.region,
      ctx.service,
    );
    // String to sign and signature, from the suite's canonical request.
    expect(stringToSign(amzDate, scope, expectedCanonical)).toBe(expectedSts);
    expect(signHex(key, expectedSts)).toBe(signature);

    // Canonical request, from the signed request as received (S3 rules).
    const req = parseRequest(read(`${form}-signed-request.txt`));
    const params = splitQuery(req.rawQuery);
    const signed =
      form === 'header'
        ? parseV4Authorization(String(req.headers.authorization), [ctx.service])
        : pickParams(params, ['X-Amz-SignedHeaders'] as const);
    const signedHeaders = 'signedHeaders' in signed ? signed.signedHeaders : signed['X-Amz-SignedHeaders']!;
    const declared = req.headers['x-amz-content-sha256'];
    const ours = canonicalRequest({
      method: req.method,
      rawPath: req.rawPath,
      params,
      headers: req.headers,
      signedHeaders,
      signedHeaderNames: signedHeaders.split(';'),
      payloadHash: declared ? String(declared) : sha256Hex(req.body ?? ''),
      presigned: form === 'query',
    });
    const rejects = S3_REJECTS.has(`${name}/${form}`);
    expect(ours === expectedCanonical).toBe(!rejects);

    if (rejects) {
      expect(await codeOf(req, opts)).toBe('SignatureDoesNotMatch');
      return;
    }
    const verified = await authenticate(req, opts);
    expect(verified).toMatchObject({
      kind: form === 'header' ? 'sigv4-header' : 'sigv4-presigned',
      accessKey: ctx.credentials.access_key_id,
      principal: 'vector',
      region: ctx.region,
      service: ctx.service,
      signedAt: opts.now,
      // Nothing declared and no body buffered: the signer hashed an empty body, which the stream must confirm.
      payload: req.body ? { type: 'none' } : { type: 'sha256', expected: EMPTY_SHA256 },
    });

    // One-byte changes of every signed part.
    const variants: [string, AuthRequest, string[]][] = [
      ['method', { ...req, method: mutate(req.method) }, ['SignatureDoesNotMatch']],
      ['path', { ...req, rawPath: mutate(req.rawPath) }, ['SignatureDoesNotMatch']],
    ];
    for (const h of signedHeaders.split(';')) {
      const value = String(req.headers[h]);
      const code = h === 'x-amz-security-token' ? 'InvalidToken' : 'SignatureDoesNotMatch';
      variants.push([`header ${h}`, { ...req, headers: { ...req.headers, [h]: mutate(value) } }, [code]]);
    }
    params.forEach((p, i) => {
      const changed = params.map((q, j) =>
        j === i ? `${q.key}=${mutate(q.value ?? '')}` : `${q.key}=${q.value ?? ''}`,
      );
      const codes = [
        'SignatureDoesNotMatch',
        'AuthorizationQueryParametersError',
        'InvalidToken',
        'AccessDenied',
      ];
      variants.push([`query ${p.key}`, { ...req, rawQuery: changed.join('&') }, codes]);
    });
    if (form === 'header') {
      const auth = String(req.headers.authorization);
      variants.push([
        'signature',
        { ...req, headers: { ...req.headers, authorization: mutate(auth) } },
        ['SignatureDoesNotMatch'],
      ]);
    }
    if (req.body) {
      const body = Buffer.from(req.body);
      body[0]! ^= 1;
      const code = form === 'header' ? 'XAmzContentSHA256Mismatch' : 'SignatureDoesNotMatch';
      variants.push(['body', { ...req, body }, [code]]);
    }
    for (const [part, variant, codes] of variants) {
      expect(codes, `${form} ${part}`).toContain(await codeOf(variant, opts));
    }
  });
});
