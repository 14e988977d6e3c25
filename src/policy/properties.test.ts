import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compilePolicy,
  evaluate,
  evaluateNaive,
  isPolicyError,
  type PolicyDocument,
  parsePolicy,
  serializePolicy,
} from './index.js';

const actions = [
  's3:GetObject',
  's3:Get*',
  's3:*',
  's3:PutObject',
  '*',
  's3:?utObject',
  's3:ListBucket',
  'admin:*',
];
const resources = [
  '*',
  'arn:aws:s3:::b/*',
  'arn:aws:s3:::b/k',
  'arn:aws:s3:::${aws:username}/*',
  'arn:aws:s3:::b?/*',
  'arn:aws:s3:::b',
];
const conditions: object[] = [
  { StringEquals: { 'aws:username': 'ann' } },
  { StringNotLike: { 'aws:UserAgent': '*bot*' } },
  { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
  { NotIpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } },
  { NumericLessThan: { 's3:max-keys': '10' } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } },
  { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'a*' } },
  { Null: { 'aws:username': 'true' } },
  { Bool: { 'aws:SecureTransport': 'true' } },
];
const statement = fc.record(
  {
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: fc.subarray(actions, { minLength: 1, maxLength: 3 }),
    Resource: fc.subarray(resources, { minLength: 1, maxLength: 2 }),
    Condition: fc.constantFrom(...conditions),
  },
  { requiredKeys: ['Effect', 'Action', 'Resource'] },
);
const document = fc
  .array(statement, { maxLength: 4 })
  .map((Statement) => ({ Version: '2012-10-17', Statement }));
const context = fc.record(
  {
    'aws:username': fc.constantFrom('ann', 'b', 'x'),
    'aws:UserAgent': fc.constantFrom('curl', 'googlebot'),
    'aws:SourceIp': fc.constantFrom('10.1.1.1', '192.168.0.1', '::1'),
    's3:max-keys': fc.constantFrom('5', '50'),
    'aws:TagKeys': fc.subarray(['a', 'b', 'c']),
    'aws:SecureTransport': fc.boolean(),
  },
  { requiredKeys: [] },
);
const request = fc.record({
  action: fc.constantFrom(
    's3:GetObject',
    's3:PutObject',
    's3:ListBucket',
    's3:DeleteObject',
    'admin:ServerInfo',
  ),
  resource: fc.constantFrom(
    'arn:aws:s3:::b/k',
    'arn:aws:s3:::b',
    'arn:aws:s3:::ann/x',
    'arn:aws:s3:::b1/x',
    'arn:aws:s3:::c/k',
  ),
  context,
});

const compileAll = (docs: object[]) => docs.map((d, i) => compilePolicy(parsePolicy(d), `p${i}`));
const docsArb = fc.array(document, { minLength: 1, maxLength: 3 });
const runs = { numRuns: 300 };

describe('policy properties', () => {
  it('an explicit deny always wins', () => {
    fc.assert(
      fc.property(docsArb, request, (docs, req) => {
        const deny = {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: req.action, Resource: req.resource }],
        };
        expect(evaluate(compileAll([...docs, deny]), req).reason).toBe('explicitDeny');
      }),
      runs,
    );
  });

  it('adding an Allow never removes access; adding a Deny never adds access', () => {
    fc.assert(
      fc.property(docsArb, document, request, (docs, extra, req) => {
        const before = evaluate(compileAll(docs), req);
        const allows = { ...extra, Statement: extra.Statement.map((s) => ({ ...s, Effect: 'Allow' })) };
        const denies = { ...extra, Statement: extra.Statement.map((s) => ({ ...s, Effect: 'Deny' })) };
        if (before.allowed) expect(evaluate(compileAll([...docs, allows]), req).allowed).toBe(true);
        if (!before.allowed) expect(evaluate(compileAll([...docs, denies]), req).allowed).toBe(false);
      }),
      runs,
    );
  });

  it('the compiled evaluator agrees with the naive one', () => {
    fc.assert(
      fc.property(docsArb, request, (docs, req) => {
        const parsed = docs.map((d, i) => ({ name: `p${i}`, doc: parsePolicy(d) }));
        const compiled = parsed.map((p) => compilePolicy(p.doc, p.name));
        expect(evaluate(compiled, req)).toEqual(evaluateNaive(parsed, req));
      }),
      runs,
    );
  });

  it('parse → serialize → parse is stable', () => {
    fc.assert(
      fc.property(document, (d) => {
        const once: PolicyDocument = parsePolicy(d);
        expect(parsePolicy(serializePolicy(once))).toEqual(once);
      }),
      runs,
    );
  });

  it('random documents never throw anything but the typed policy error', () => {
    const noisy = fc.oneof(
      fc.jsonValue(),
      document.chain((d) =>
        fc
          .record({
            path: fc.constantFrom(
              'Version',
              'Statement',
              'Effect',
              'Action',
              'Resource',
              'Condition',
              'Principal',
              'Sid',
            ),
            value: fc.jsonValue(),
          })
          .map(({ path, value }) => {
            const copy = JSON.parse(JSON.stringify(d)) as Record<string, unknown> & {
              Statement: Record<string, unknown>[];
            };
            if (path === 'Version' || path === 'Statement') (copy as Record<string, unknown>)[path] = value;
            else if (copy.Statement[0] !== undefined) copy.Statement[0][path] = value;
            return copy;
          }),
      ),
    );
    fc.assert(
      fc.property(
        noisy,
        fc.constantFrom('identity', 'resource', 'session') as fc.Arbitrary<
          'identity' | 'resource' | 'session'
        >,
        (doc, kind) => {
          try {
            const parsed = parsePolicy(typeof doc === 'string' ? doc : (doc as object), { kind });
            compilePolicy(parsed, 'x');
          } catch (e) {
            if (!isPolicyError(e)) throw e;
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('deeply nested JSON, as text or value, is MalformedPolicyDocument, never a stack overflow', () => {
    const nested = fc.record({
      depth: fc.integer({ min: 33, max: 200_000 }),
      open: fc.constantFrom('[', '{"a":'),
      where: fc.constantFrom('Statement', 'Condition', 'top'),
      inString: fc.boolean(),
    });
    fc.assert(
      fc.property(nested, ({ depth, open, where, inString }) => {
        const close = open === '[' ? ']' : '}';
        const deep = open.repeat(depth) + '1' + close.repeat(depth);
        const text =
          where === 'top'
            ? deep
            : where === 'Statement'
              ? `{"Version":"2012-10-17","Statement":${deep}}`
              : `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":${deep}}]}`;
        // Brackets inside a string are text, not nesting.
        const decoy = inString
          ? `{"Version":"2012-10-17","Id":${JSON.stringify('['.repeat(depth))},"Statement":[]}`
          : text;
        try {
          parsePolicy(decoy, { maxBytes: 10_000_000 });
          if (!inString) expect.unreachable('a deep document parsed');
        } catch (e) {
          if (!isPolicyError(e)) throw e;
          if (!inString) expect(e.rule).toMatch(/nested deeper than 32 levels/);
        }
      }),
      { numRuns: 60 },
    );
    let value: unknown = 1;
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(() => parsePolicy({ Version: '2012-10-17', Statement: value } as object)).toThrow(/nested deeper/);
  });
});
