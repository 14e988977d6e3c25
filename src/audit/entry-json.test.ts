import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './entry.js';
import { toAuditEntry } from './entry.js';
import { auditEntryJson } from './entry-json.js';
import { selectQuery, selectRequestHeaders, selectResponseHeaders } from './facts.js';
import { isSecretName } from './redact.js';
import { sampleEvent } from './targets/contract.js';

/** Any text, and text made of what JSON quoting is careful about (the `","` the entry's quoting splits at). */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc
    .array(fc.constantFrom('","', '"', ',', '\\', '\\"', '\ud800', '\udc00', '\u0000', '\n', 'a', '[', ']'), {
      maxLength: 6,
    })
    .map((p) => p.join('')),
);
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** Header and parameter names, secret ones included. */
const name = fc.oneof(
  fc.constantFrom(
    'authorization',
    'x-amz-security-token',
    'X-Amz-Signature',
    'X-Amz-Credential',
    'x-amz-date',
    'host',
    'password',
    '__proto__',
    'x-amz-server-side-encryption-customer-key',
  ),
  text,
);
const map = fc.dictionary(
  name,
  fc.oneof(
    text,
    fc.constant(
      'AWS4-HMAC-SHA256 Credential=a/20261201/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc',
    ),
  ),
  { maxKeys: 6 },
);
const ms = fc.double({ min: 0, max: 5000, noNaN: true });

/** Request events of every shape: optional fields present or not, failures, denials, changes. */
const event: fc.Arbitrary<AuditEvent> = fc.record({
  time: fc.constantFrom('2026-12-01T12:00:00.000Z', '2026-12-01T11:30:00.500Z'),
  deploymentId: opt(text),
  requestId: text,
  api: text,
  bucket: opt(text),
  key: opt(text),
  versionId: opt(text),
  remoteAddress: opt(text),
  userAgent: opt(text),
  request: fc.record({
    method: fc.constantFrom('GET', 'PUT', 'POST'),
    host: opt(text),
    path: text,
    query: map,
    headers: fc.oneof(map, fc.constant({ 'x-amz-date': '20261201T113000Z' })),
  }),
  response: fc.record({ headers: map }),
  auth: fc.record(
    {
      kind: text,
      accessKey: text,
      error: text,
      failure: fc.constantFrom('clock-skew', 'bad-signature', 'unknown-key'),
      principalType: fc.constantFrom('user', 'root', 'anonymous', 'assumed-role'),
      principalArn: text,
      account: text,
      parentUser: text,
      groups: fc.array(text, { maxLength: 3 }),
      sessionId: text,
      identitySource: text,
    },
    { requiredKeys: [] },
  ),
  authz: fc.record(
    {
      decision: fc.constantFrom('allow', 'deny', 'none') as fc.Arbitrary<'allow' | 'deny' | 'none'>,
      reason: text,
      statements: fc.array(
        fc.record({
          policy: text,
          index: fc.nat(20),
          sid: opt(text),
          effect: fc.constantFrom('Allow', 'Deny'),
        }),
        { maxLength: 2 },
      ),
      actions: fc.array(text, { maxLength: 2 }),
      resources: fc.array(text, { maxLength: 2 }),
    },
    { requiredKeys: ['decision'] },
  ),
  status: fc.constantFrom(200, 204, 206, 304, 403, 404, 500, 599),
  errorCode: opt(text),
  bytesIn: fc.nat(),
  bytesOut: fc.nat(),
  change: opt(
    fc.record({
      action: text,
      target: fc.record({ type: text, name: opt(text) }),
      parameters: opt(fc.dictionary(name, fc.oneof(text, fc.nat(), map))),
    }),
  ),
  damage: opt(fc.array(fc.record({ kind: text, blobId: text, detail: text }), { maxLength: 2 })),
  timings: fc.record({ totalMs: ms, authMs: opt(ms), firstByteMs: opt(ms) }),
  trigger: opt(fc.constant('internal' as const)),
}) as fc.Arbitrary<AuditEvent>;

/** Drops the fields fast-check set to undefined, as an event built field by field would not have them. */
function defined<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

describe('auditEntryJson', () => {
  it('writes the same text as JSON.stringify(toAuditEntry(event))', () => {
    fc.assert(
      fc.property(event, opt(text), (raw, deploymentId) => {
        const e = defined(raw);
        const ctx = deploymentId === undefined ? { node: 'n1' } : { node: 'n1', deploymentId };
        expect(auditEntryJson(e, ctx)).toBe(JSON.stringify(toAuditEntry(e, ctx)));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches for maps selected (and so already redacted) by facts.ts', () => {
    const raw = fc.dictionary(name, fc.oneof(text, fc.array(text, { maxLength: 2 })), { maxKeys: 8 });
    fc.assert(
      fc.property(event, raw, raw, (ev, reqHeaders, resHeaders) => {
        const headers = Object.fromEntries(Object.entries(reqHeaders).map(([k, v]) => [`x-amz-${k}`, v]));
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(reqHeaders)) params.append(k, String(v));
        const base = defined(ev);
        const h = selectRequestHeaders({ ...headers, ...reqHeaders });
        const q = selectQuery(params);
        const r = selectResponseHeaders((n) => resHeaders[n]);
        const e = { ...base, request: { ...base.request, headers: h, query: q }, response: { headers: r } };
        // The same maps as plain objects, redacted by toAuditEntry's own path.
        const plain = {
          ...e,
          request: { ...e.request, headers: h.toRecord(), query: q.toRecord() },
          response: { headers: r.toRecord() },
        };
        expect(auditEntryJson(e, { node: 'n' })).toBe(JSON.stringify(toAuditEntry(plain, { node: 'n' })));
      }),
      { numRuns: 500 },
    );
  });

  it('matches for runs of similar events (the parts kept from the entry before)', () => {
    // A few values per field, so that successive events share some parts and differ in others;
    // auth objects frozen (shared from request to request, as the http layer does) or not.
    const pick = <T>(xs: T[]) => fc.constantFrom(...xs);
    const frozen = [
      Object.freeze({
        kind: 'sigv4-presigned' as const,
        accessKey: 'AK1',
        principalType: 'user' as const,
        principalArn: 'arn:1',
      }),
      Object.freeze({ kind: 'sigv4-header' as const, accessKey: 'AK2', principalType: 'root' as const }),
      Object.freeze({ principalType: 'anonymous' as const }),
    ];
    // Lists made once and handed over again (facts.ts selectRawQuery), and a plain map.
    const queries = [
      selectQuery(new URLSearchParams('X-Amz-Signature=ff&prefix=a')),
      selectQuery(new URLSearchParams('prefix=b')),
      { prefix: 'c' },
    ];
    const step = fc.record({
      base: event,
      time: pick(['2026-12-01T12:00:00.000Z', '2026-12-01T12:00:00.001Z']),
      api: pick(['GetObject', 'HeadObject']),
      bucket: pick([undefined, 'b', 'c']),
      key: pick([undefined, 'k']),
      status: pick([200, 403]),
      errorCode: pick([undefined, 'AccessDenied']),
      remote: pick([undefined, '10.0.0.1', '10.0.0.2']),
      ua: pick([undefined, 'sdk/1']),
      path: pick(['/b/k', '/c/k']),
      query: pick([undefined, ...queries]),
      auth: fc.oneof(pick(frozen), fc.constant(undefined)),
      authz: pick([
        {
          decision: 'allow' as const,
          reason: 'allowed',
          actions: ['s3:GetObject'],
          resources: ['arn:aws:s3:::b/k'],
        },
        {
          decision: 'allow' as const,
          reason: 'allowed',
          actions: ['s3:GetObject'],
          resources: ['arn:aws:s3:::c/k'],
        },
        { decision: 'deny' as const, reason: 'implicitDeny', actions: ['s3:GetObject'] },
        {
          decision: 'deny' as const,
          reason: 'explicitDeny',
          statements: [{ policy: 'p', index: 0, effect: 'Deny' as const }],
        },
      ]),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), pick(['n1', 'n2']), (steps, node) => {
        for (const s of steps) {
          const b = defined(s.base);
          const e: AuditEvent = {
            ...b,
            time: s.time,
            api: s.api,
            status: s.status,
            request: { ...b.request, path: s.path, query: s.query ?? b.request.query },
            auth: s.auth ?? b.auth,
            authz: { ...s.authz },
          };
          for (const [k, v] of [
            ['bucket', s.bucket],
            ['key', s.key],
            ['errorCode', s.errorCode],
            ['remoteAddress', s.remote],
            ['userAgent', s.ua],
          ] as const) {
            if (v === undefined) delete (e as unknown as Record<string, unknown>)[k];
            else (e as unknown as Record<string, unknown>)[k] = v;
          }
          expect(auditEntryJson(e, { node })).toBe(JSON.stringify(toAuditEntry(e, { node })));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never keeps the text of an auth object that can change', () => {
    const e = defined(sampleEvent({}));
    const auth: { -readonly [K in keyof AuditEvent['auth']]: AuditEvent['auth'][K] } = {
      kind: 'sigv4-header',
      accessKey: 'AK1',
      principalType: 'user',
    };
    const a = auditEntryJson({ ...e, auth }, { node: 'n' });
    auth.accessKey = 'AK2';
    const b = auditEntryJson({ ...e, auth }, { node: 'n' });
    expect(a).toContain('"accessKey":"AK1"');
    expect(b).toContain('"accessKey":"AK2"');
    expect(b).not.toContain('AK1');
  });

  it('matches for the sample event of the target contract, and redacts its secrets', () => {
    const e = sampleEvent({
      request: {
        method: 'GET',
        path: '/b/k',
        query: { 'X-Amz-Signature': 'deadbeef', prefix: 'p' },
        headers: { 'x-amz-security-token': 'session-secret', host: 'h' },
      },
    });
    const json = auditEntryJson(e, { node: 'n' });
    expect(json).toBe(JSON.stringify(toAuditEntry(e, { node: 'n' })));
    expect(json).not.toContain('deadbeef');
    expect(json).not.toContain('session-secret');
  });

  it('relies on no fixed field name of the schema being a secret name', () => {
    const fixed = Object.keys(JSON.parse(auditEntryJson(sampleEvent({}), { node: 'n', deploymentId: 'd' })));
    const nested = ['name', 'bucket', 'object', 'versionId', 'status', 'errorCode', 'timeToFirstByte'];
    const auth = ['kind', 'accessKey', 'parentUser', 'principalType', 'principalArn', 'account', 'sessionId'];
    const more = [
      'identitySource',
      'outcome',
      'failureReason',
      'decision',
      'reason',
      'policy',
      'sid',
      'effect',
    ];
    for (const n of [...fixed, ...nested, ...auth, ...more]) {
      expect(isSecretName(n), n).toBe(false);
      expect(n.toLowerCase()).not.toBe('authorization');
    }
  });
});
