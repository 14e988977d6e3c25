import { TesseraError } from '../../core/index.js';
import { checkCredential } from '../credential.js';
import { header } from '../headers.js';
import { pickParams, splitQuery } from '../query.js';
import type { AuthRequest, VerifiedRequest, VerifyOptions } from '../types.js';
import { canonicalAmzHeaders } from './string-to-sign.js';
import { checkV2Signature } from './verify.js';

/**
 * Verifies a SigV2 presigned URL (`AWSAccessKeyId`, `Expires` in epoch seconds, `Signature`).
 * A session token may come as the x-amz-security-token parameter; it is signed as a header.
 * Throws AccessDenied ('Request has expired'), InvalidAccessKeyId, InvalidToken,
 * SignatureDoesNotMatch.
 */
export async function verifyV2Presigned<P>(
  req: AuthRequest,
  opts: VerifyOptions<P>,
): Promise<VerifiedRequest<P>> {
  const params = splitQuery(req.rawQuery);
  const q = pickParams(params, ['AWSAccessKeyId', 'Expires', 'Signature', 'x-amz-security-token'] as const);
  const accessKey = q.AWSAccessKeyId;
  const expires = q.Expires;
  const signature = q.Signature;
  if (!accessKey || !expires || !signature) {
    throw new TesseraError(
      'AccessDenied',
      'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters',
    );
  }
  if (!/^\d{1,12}$/.test(expires))
    throw new TesseraError('AccessDenied', 'Invalid date (should be seconds since epoch)');
  const expiresMs = Number(expires) * 1000;
  if (opts.now > expiresMs) throw new TesseraError('AccessDenied', 'Request has expired');
  const headerToken = header(req.headers, 'x-amz-security-token');
  const queryToken = q['x-amz-security-token'];
  const sessionToken = headerToken ?? queryToken;
  const found = opts.lookup(accessKey, sessionToken);
  const credential = checkCredential(found instanceof Promise ? await found : found, sessionToken);
  const extra =
    headerToken === undefined && queryToken !== undefined
      ? { 'x-amz-security-token': queryToken }
      : undefined;
  const variants = [{ date: expires, amzHeaders: canonicalAmzHeaders(req.headers, extra) }];
  checkV2Signature(req, params, credential, variants, signature, opts.domains);
  const verified: VerifiedRequest<P> = {
    kind: 'sigv2-presigned',
    accessKey,
    principal: credential.principal,
    signatureVersion: 'AWS',
    payload: { type: 'none' },
    payloadSigned: false,
  };
  if (sessionToken !== undefined) verified.sessionToken = sessionToken;
  return verified;
}
