import { describe, expect, it } from 'vitest';
import { loadFixtures } from '../../../test/policy/fixtures.js';
import { compilePolicy, isPolicyError, type PolicyKind, parsePolicy, serializePolicy } from '../index.js';

const v = '2012-10-17';
const s3 = (extra: object = {}) => ({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::b/*',
  ...extra,
});

/** [name, document, kind, path, rule fragment, code] */
const rejected: [string, unknown, PolicyKind, string, string, string][] = [
  ['not JSON', '{', 'identity', '', 'not valid JSON', 'MalformedPolicyDocument'],
  ['array', '[]', 'identity', '', 'must be a JSON object', 'MalformedPolicyDocument'],
  [
    'unknown top-level field',
    { Version: v, Statement: [], Foo: 1 },
    'identity',
    'Foo',
    'unknown field',
    'MalformedPolicyDocument',
  ],
  [
    'bad version',
    { Version: '2020-01-01', Statement: [] },
    'identity',
    'Version',
    'must be',
    'MalformedPolicyDocument',
  ],
  ['no statement', { Version: v }, 'identity', 'Statement', 'is required', 'MalformedPolicyDocument'],
  [
    'unknown statement field',
    { Version: v, Statement: [s3({ Foo: 1 })] },
    'identity',
    'Statement[0].Foo',
    'unknown field',
    'MalformedPolicyDocument',
  ],
  [
    'bad effect',
    { Version: v, Statement: [s3({ Effect: 'allow' })] },
    'identity',
    'Statement[0].Effect',
    'must be "Allow" or "Deny"',
    'MalformedPolicyDocument',
  ],
  [
    'no action',
    { Version: v, Statement: [{ Effect: 'Allow', Resource: '*' }] },
    'identity',
    'Statement[0]',
    'needs Action or NotAction',
    'MalformedPolicyDocument',
  ],
  [
    'both action forms',
    { Version: v, Statement: [s3({ NotAction: 's3:PutObject' })] },
    'identity',
    'Statement[0]',
    'cannot both be present',
    'MalformedPolicyDocument',
  ],
  [
    'unknown action',
    { Version: v, Statement: [s3({ Action: ['s3:GetObject', 's3:Fly*'] })] },
    'identity',
    'Statement[0].Action[1]',
    'matches no known action',
    'MalformedPolicyDocument',
  ],
  [
    'empty action list',
    { Version: v, Statement: [s3({ Action: [] })] },
    'identity',
    'Statement[0].Action',
    'must not be empty',
    'MalformedPolicyDocument',
  ],
  [
    'no resource for s3',
    { Version: v, Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] },
    'identity',
    'Statement[0]',
    'needs Resource or NotResource',
    'MalformedPolicyDocument',
  ],
  [
    'bad resource',
    { Version: v, Statement: [s3({ Resource: 'bucket/key' })] },
    'identity',
    'Statement[0].Resource',
    'must be "*" or an ARN',
    'MalformedPolicyDocument',
  ],
  [
    'bad partition',
    { Version: v, Statement: [s3({ Resource: 'arn:gcp:s3:::b' })] },
    'identity',
    'Statement[0].Resource',
    'unknown ARN partition',
    'MalformedPolicyDocument',
  ],
  [
    'principal in identity policy',
    { Version: v, Statement: [s3({ Principal: '*' })] },
    'identity',
    'Statement[0].Principal',
    'not allowed in an identity policy',
    'MalformedPolicyDocument',
  ],
  [
    'principal in session policy',
    { Version: v, Statement: [s3({ Principal: '*' })] },
    'session',
    'Statement[0].Principal',
    'not allowed in an session policy',
    'MalformedPolicyDocument',
  ],
  [
    'bucket policy without principal',
    { Version: v, Statement: [s3()] },
    'resource',
    'Statement[0]',
    'needs Principal or NotPrincipal',
    'MalformedPolicy',
  ],
  [
    'bad principal type',
    { Version: v, Statement: [s3({ Principal: { User: 'x' } })] },
    'resource',
    'Statement[0].Principal.User',
    'unknown principal type',
    'MalformedPolicy',
  ],
  [
    'bad AWS principal',
    { Version: v, Statement: [s3({ Principal: { AWS: 'alice' } })] },
    'resource',
    'Statement[0].Principal.AWS',
    'account id or an ARN',
    'MalformedPolicy',
  ],
  [
    'bucket policy other bucket',
    { Version: v, Statement: [s3({ Principal: '*', Resource: 'arn:aws:s3:::other/*' })] },
    'resource',
    'Statement[0].Resource[0]',
    'Policy has invalid resource',
    'MalformedPolicy',
  ],
  [
    'bucket policy action on wrong resource type',
    {
      Version: v,
      Statement: [s3({ Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::photos/*' })],
    },
    'resource',
    'Statement[0]',
    'Action does not apply to any resource(s) in statement',
    'MalformedPolicy',
  ],
  [
    'bucket policy iam action',
    { Version: v, Statement: [s3({ Principal: '*', Action: 'iam:GetUser' })] },
    'resource',
    'Statement[0].Action',
    'Policy has invalid action',
    'MalformedPolicy',
  ],
  [
    'duplicate sid',
    { Version: v, Statement: [s3({ Sid: 'a' }), s3({ Sid: 'a' })] },
    'identity',
    'Statement[1].Sid',
    'duplicate Sid',
    'MalformedPolicyDocument',
  ],
  [
    'string operator, object value',
    { Version: v, Statement: [{}, {}, s3({ Condition: { StringLike: { 's3:prefix': { a: 1 } } } })] },
    'identity',
    'Statement[0]',
    'must be "Allow" or "Deny"',
    'MalformedPolicyDocument',
  ],
  [
    'unknown operator',
    { Version: v, Statement: [s3({ Condition: { StringLooksLike: { 's3:prefix': 'a' } } })] },
    'identity',
    'Statement[0].Condition.StringLooksLike',
    'unknown condition operator',
    'MalformedPolicyDocument',
  ],
  [
    'unknown key',
    { Version: v, Statement: [s3({ Condition: { StringEquals: { 'aws:Nope': 'a' } } })] },
    'identity',
    'Statement[0].Condition.StringEquals.aws:Nope',
    'unknown condition key',
    'MalformedPolicyDocument',
  ],
  [
    'numeric non-number',
    { Version: v, Statement: [s3({ Condition: { NumericLessThan: { 's3:max-keys': 'ten' } } })] },
    'identity',
    'Statement[0].Condition.NumericLessThan',
    'operator needs numeric values',
    'MalformedPolicyDocument',
  ],
  [
    'date garbage',
    { Version: v, Statement: [s3({ Condition: { DateLessThan: { 'aws:CurrentTime': 'soon' } } })] },
    'identity',
    'Statement[0].Condition.DateLessThan',
    'operator needs date values',
    'MalformedPolicyDocument',
  ],
  [
    'bool garbage',
    { Version: v, Statement: [s3({ Condition: { Bool: { 'aws:SecureTransport': 'yes' } } })] },
    'identity',
    'Statement[0].Condition.Bool',
    'operator needs boolean values',
    'MalformedPolicyDocument',
  ],
  [
    'bad CIDR',
    { Version: v, Statement: [s3({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } })] },
    'identity',
    'Statement[0].Condition.IpAddress',
    'IP address or CIDR',
    'MalformedPolicyDocument',
  ],
  [
    'bad base64',
    { Version: v, Statement: [s3({ Condition: { BinaryEquals: { 's3:x-amz-content-sha256': '***' } } })] },
    'identity',
    'Statement[0].Condition.BinaryEquals',
    'base64',
    'MalformedPolicyDocument',
  ],
  [
    'arn operator, not an ARN',
    { Version: v, Statement: [s3({ Condition: { ArnLike: { 'aws:SourceArn': 'topic' } } })] },
    'identity',
    'Statement[0].Condition.ArnLike',
    'operator needs ARN values',
    'MalformedPolicyDocument',
  ],
  [
    'Null IfExists',
    { Version: v, Statement: [s3({ Condition: { NullIfExists: { 'aws:SourceIp': 'true' } } })] },
    'identity',
    'Statement[0].Condition.NullIfExists',
    'Null does not take IfExists',
    'MalformedPolicyDocument',
  ],
  [
    'empty values',
    { Version: v, Statement: [s3({ Condition: { StringEquals: { 'aws:username': [] } } })] },
    'identity',
    'Statement[0].Condition.StringEquals',
    'empty list',
    'MalformedPolicyDocument',
  ],
  [
    'unknown variable',
    { Version: v, Statement: [s3({ Resource: 'arn:aws:s3:::b/${aws:nobody}' })] },
    'identity',
    'Statement[0].Resource',
    'unknown policy variable',
    'MalformedPolicyDocument',
  ],
  [
    'session too large',
    { Version: v, Statement: [s3({ Sid: 'x'.repeat(2100) })] },
    'session',
    '',
    '2048-byte limit',
    'LimitExceeded',
  ],
];

describe('parsePolicy rejects', () => {
  it('with the JSON path and the rule, as a PolicyError', () => {
    const e = capture(() =>
      parsePolicy({
        Version: v,
        Statement: [s3(), s3(), s3({ Condition: { StringLike: { 's3:prefix': null } } })],
      }),
    );
    expect(e.message).toBe('Statement[2].Condition.StringLike: operator needs string values');
    expect(e.code).toBe('MalformedPolicyDocument');
  });

  it.each(rejected)('%s', (_name, doc, kind, path, rule, code) => {
    const e = capture(() => parsePolicy(doc as object, { kind, bucket: 'photos' }));
    expect(e.path.startsWith(path)).toBe(true);
    expect(e.rule).toContain(rule);
    expect(e.code).toBe(code);
  });

  it('honours a configured size limit', () => {
    const doc = { Version: v, Statement: [s3()] };
    expect(() => parsePolicy(doc, { maxBytes: 50 })).toThrow(/50-byte limit/);
    expect(parsePolicy(doc, { kind: 'session' }).Statement).toHaveLength(1);
  });
});

function capture(f: () => unknown) {
  try {
    f();
  } catch (e) {
    if (isPolicyError(e)) return e;
    throw e;
  }
  throw new Error('expected a PolicyError');
}

interface Accepted {
  kind: PolicyKind;
  bucket?: string;
  document: object;
}

describe('accepted corpus (a contract: what parses today parses tomorrow)', () => {
  it.each(loadFixtures<Accepted>('accepted'))('$file', ({ data }) => {
    const opts = data.bucket === undefined ? { kind: data.kind } : { kind: data.kind, bucket: data.bucket };
    const doc = parsePolicy(data.document, opts);
    compilePolicy(doc, 'x');
    const again = parsePolicy(serializePolicy(doc), opts);
    expect(again).toEqual(doc);
    expect(serializePolicy(again, 2)).toBe(serializePolicy(doc, 2));
  });
});
