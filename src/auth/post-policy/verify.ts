import { constantTimeEqual, parseAmzDate, TesseraError } from '../../core/index.js';
import { checkCredential } from '../credential.js';
import { signingKeys as defaultSigningKeys } from '../sigv4/signing-key.js';
import type { CredentialLookup, VerifiedRequest, VerifyOptions } from '../types.js';
import { parsePostCredential } from './credential-field.js';
import { type PostFields, postSignatureKind } from './fields.js';
import { postSignatureV2, postSignatureV4 } from './signature.js';

const V4_ALGORITHM = 'AWS4-HMAC-SHA256';

export interface PostVerifyOptions<P> {
  /** The current time, epoch ms. */
  now: number;
  lookup: CredentialLookup<P>;
  /** The server's region: a SigV4 credential must be scoped to it and to service s3. */
  region: string;
  signingKeys?: VerifyOptions<P>['signingKeys'];
}

/** S3's SignatureDoesNotMatch for a POST: the string to sign is the policy as sent. */
function mismatch(accessKey: string, policy: string, provided: string): TesseraError {
  const bytes = [...Buffer.from(policy, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return new TesseraError('SignatureDoesNotMatch', undefined, {
    AWSAccessKeyId: accessKey,
    StringToSign: policy,
    SignatureProvided: provided,
    StringToSignBytes: bytes,
  });
}

async function lookup<P>(accessKey: string, token: string | undefined, opts: PostVerifyOptions<P>) {
  const found = opts.lookup(accessKey, token);
  try {
    return checkCredential(found instanceof Promise ? await found : found, token);
  } catch (e) {
    if (e instanceof TesseraError && e.code === 'InvalidAccessKeyId')
      throw new TesseraError('InvalidAccessKeyId', undefined, { AWSAccessKeyId: accessKey });
    throw e;
  }
}

async function verifyV4<P>(fields: PostFields, opts: PostVerifyOptions<P>): Promise<VerifiedRequest<P>> {
  const algorithm = fields.get('x-amz-algorithm')!;
  if (algorithm !== V4_ALGORITHM)
    throw new TesseraError('InvalidArgument', `X-Amz-Algorithm only supports "${V4_ALGORITHM}"`, {
      ArgumentName: 'X-Amz-Algorithm',
      ArgumentValue: algorithm,
    });
  const credential = parsePostCredential(fields.get('x-amz-credential')!, opts.region);
  const amzDate = fields.get('x-amz-date')!;
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt))
    throw new TesseraError('InvalidArgument', 'X-Amz-Date must be formated via ISO8601 Long format', {
      ArgumentName: 'X-Amz-Date',
      ArgumentValue: amzDate,
    });
  if (amzDate.slice(0, 8) !== credential.date)
    throw new TesseraError(
      'InvalidArgument',
      `Invalid credential date "${credential.date}". This date is not the same as X-Amz-Date.`,
      { ArgumentName: 'X-Amz-Credential', ArgumentValue: fields.get('x-amz-credential')! },
    );
  const token = fields.get('x-amz-security-token');
  const found = await lookup(credential.accessKey, token, opts);
  const keys = opts.signingKeys ?? defaultSigningKeys;
  const signingKey = keys.get(found.secretKey, credential.date, credential.region, 's3');
  const policy = fields.get('policy')!;
  const provided = fields.get('x-amz-signature')!;
  if (!constantTimeEqual(postSignatureV4(signingKey, policy), provided))
    throw mismatch(credential.accessKey, policy, provided);
  const verified: VerifiedRequest<P> = {
    kind: 'post-policy',
    accessKey: credential.accessKey,
    principal: found.principal,
    region: credential.region,
    service: 's3',
    signedAt,
    signatureVersion: 'AWS4-HMAC-SHA256',
    payload: { type: 'none' },
    payloadSigned: false,
  };
  if (token !== undefined) verified.sessionToken = token;
  return verified;
}

async function verifyV2<P>(fields: PostFields, opts: PostVerifyOptions<P>): Promise<VerifiedRequest<P>> {
  const accessKey = fields.get('awsaccesskeyid')!;
  const token = fields.get('x-amz-security-token');
  const found = await lookup(accessKey, token, opts);
  const policy = fields.get('policy')!;
  const provided = fields.get('signature')!;
  if (!constantTimeEqual(postSignatureV2(found.secretKey, policy), provided))
    throw mismatch(accessKey, policy, provided);
  const verified: VerifiedRequest<P> = {
    kind: 'post-policy',
    accessKey,
    principal: found.principal,
    signatureVersion: 'AWS',
    payload: { type: 'none' },
    payloadSigned: false,
  };
  if (token !== undefined) verified.sessionToken = token;
  return verified;
}

/**
 * Authenticates a POST Object form from its fields: SigV4 (x-amz-algorithm, x-amz-credential,
 * x-amz-date, x-amz-signature over the policy), SigV2 (AWSAccessKeyId, signature over the
 * policy), x-amz-security-token for temporary credentials as header-signed requests take it, or
 * anonymous (no signature fields). Pure: the time and the credential lookup are arguments. The
 * policy's content is not read here (the S3 layer checks it after the signature held).
 * Throws InvalidArgument (a missing or malformed field, a wrong credential scope),
 * InvalidAccessKeyId, InvalidToken, SignatureDoesNotMatch.
 */
export async function verifyPostForm<P>(
  fields: PostFields,
  opts: PostVerifyOptions<P>,
): Promise<VerifiedRequest<P>> {
  const kind = postSignatureKind(fields);
  switch (kind) {
    case 'v4':
      return verifyV4(fields, opts);
    case 'v2':
      return verifyV2(fields, opts);
    case 'anonymous':
      return { kind: 'anonymous', principal: undefined, payload: { type: 'none' }, payloadSigned: false };
    default: {
      const never: never = kind;
      throw new Error(`unhandled POST signature ${String(never)}`);
    }
  }
}
