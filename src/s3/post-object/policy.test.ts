import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/index.js';
import { checkPostPolicy, type PolicySubject } from './conditions.js';
import { parsePostPolicy } from './policy.js';

const b64 = (doc: unknown) =>
  Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc)).toString('base64');
const EXPIRES = '2030-01-01T00:00:00.000Z';
const NOW = Date.parse('2029-12-31T00:00:00Z');

function failure(fn: () => unknown): { code: string; message: string } | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof TesseraError) return { code: e.code, message: e.message };
    throw e;
  }
  return undefined;
}

const subject = (fields: [string, string][], key = 'user/eric/a.txt'): PolicySubject => ({
  bucket: 'photos',
  key,
  fields: fields.map(([name, value]) => ({ name, value })),
});

describe('POST policies', () => {
  it('parses and checks AWS’s example conditions', () => {
    const policy = parsePostPolicy(
      b64({
        expiration: EXPIRES,
        conditions: [
          { bucket: 'photos' },
          ['starts-with', '$key', 'user/eric/'],
          { acl: 'public-read' },
          ['StArTs-WiTh', '$Content-Type', 'image/'],
          ['eq', '$x-amz-meta-uuid', '14365123651274'],
          ['starts-with', '$x-amz-meta-tag', ''],
          ['content-length-range', 1, '1048576'],
        ],
      }),
    );
    const fields: [string, string][] = [
      ['key', 'user/eric/${filename}'],
      ['ACL', 'public-read'],
      ['content-type', 'image/jpeg'],
      ['X-Amz-Meta-UUID', '14365123651274'],
      ['x-amz-meta-tag', ''],
      ['x-ignore-me', '1'],
      ['policy', 'p'],
      ['x-amz-signature', 's'],
    ];
    expect(checkPostPolicy(policy, subject(fields), NOW)).toEqual({ min: 1, max: 1048576 });
    expect(failure(() => checkPostPolicy(policy, subject(fields, 'other/a'), NOW))?.message).toBe(
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/eric/"]',
    );
    expect(failure(() => checkPostPolicy(policy, subject([...fields, ['Extra', 'x']]), NOW))?.message).toBe(
      'Invalid according to Policy: Extra input fields: Extra',
    );
    // A condition on a field the form lacks fails, `starts-with ""` too.
    const noTag = fields.filter(([n]) => n !== 'x-amz-meta-tag');
    expect(failure(() => checkPostPolicy(policy, subject(noTag), NOW))?.message).toBe(
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$x-amz-meta-tag", ""]',
    );
    // Values are case-sensitive; simple conditions print as `eq`.
    const upper = fields.map(([n, v]): [string, string] => [n, n === 'ACL' ? 'PUBLIC-READ' : v]);
    expect(failure(() => checkPostPolicy(policy, subject(upper), NOW))?.message).toBe(
      'Invalid according to Policy: Policy Condition failed: ["eq", "$acl", "public-read"]',
    );
    expect(failure(() => checkPostPolicy(policy, subject(fields), Date.parse(EXPIRES)))?.message).toBe(
      'Invalid according to Policy: Policy expired.',
    );
  });

  it('refuses malformed documents with InvalidPolicyDocument and S3’s texts', () => {
    const cases: [string, string][] = [
      ['not base64!', 'Invalid Policy: invalid Base64 encoding.'],
      [b64('{"expiration": '), 'Invalid Policy: Invalid JSON.'],
      [b64({ conditions: [] }), 'Invalid Policy: Policy missing expiration.'],
      [b64({ expiration: EXPIRES }), 'Invalid Policy: Policy missing conditions.'],
      [
        b64({ expiration: '2030-01-01T00:00:00+02:00', conditions: [] }),
        "Invalid Policy: Invalid 'expiration' value: '2030-01-01T00:00:00+02:00'",
      ],
      [
        b64({ expiration: EXPIRES, conditions: {} }),
        "Invalid Policy: Invalid 'conditions' value: must be a List.",
      ],
      [
        b64({ Statement: [], expiration: EXPIRES, conditions: [] }),
        "Invalid Policy: Unexpected: 'statement'",
      ],
      [
        b64({ expiration: EXPIRES, conditions: [{ a: '1', b: '2' }] }),
        'Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.',
      ],
      [
        b64({ expiration: EXPIRES, conditions: [{ a: 1 }] }),
        'Invalid Policy: Invalid Simple-Condition: value must be a string.',
      ],
      [
        b64({ expiration: EXPIRES, conditions: [[]] }),
        'Invalid Policy: Invalid Condition: missing operation identifier.',
      ],
      [
        b64({ expiration: EXPIRES, conditions: [['in', '$key', 'a']] }),
        "Invalid Policy: Invalid Condition: unknown operation 'in'.",
      ],
      [
        b64({ expiration: EXPIRES, conditions: [['eq', '$key']] }),
        'Invalid Policy: Invalid eq: wrong number of arguments.',
      ],
      [
        b64({ expiration: EXPIRES, conditions: [['content-length-range', 0, 512.5]] }),
        'Invalid Policy: Invalid JSON.',
      ],
      [
        b64({ expiration: EXPIRES, conditions: ['key'] }),
        'Invalid Policy: Invalid condition test: must be a List or Object.',
      ],
    ];
    for (const [policy, message] of cases)
      expect(
        failure(() => parsePostPolicy(policy)),
        policy,
      ).toEqual({ code: 'InvalidPolicyDocument', message });
    // A bound that is not a number fails as a condition (403), as S3 answers.
    const odd = parsePostPolicy(
      b64({ expiration: EXPIRES, conditions: [['content-length-range', 'test', '10']] }),
    );
    expect(failure(() => checkPostPolicy(odd, subject([]), NOW))).toEqual({
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy Condition failed: ["content-length-range", "test", "10"]',
    });
  });

  it('never fails with anything but a TesseraError (time-boxed fuzz)', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const doc = fc.oneof(
      json,
      fc.record({
        expiration: fc.oneof(fc.constant(EXPIRES), json),
        conditions: fc.array(json, { maxLength: 6 }),
      }),
      fc.record({
        expiration: fc.constant(EXPIRES),
        conditions: fc.array(
          fc.tuple(fc.constantFrom('eq', 'starts-with', 'content-length-range', 'EQ'), json, json),
          { maxLength: 6 },
        ),
      }),
    );
    fc.assert(
      fc.property(doc, fc.string(), (d, raw) => {
        for (const text of [b64(d), raw, b64(raw)]) {
          try {
            checkPostPolicy(parsePostPolicy(text), subject([['key', 'k']]), NOW);
          } catch (e) {
            if (!(e instanceof TesseraError)) throw e;
          }
        }
      }),
      { numRuns: 3000, interruptAfterTimeLimit: 3000 },
    );
  });
});
