import { randomBytes } from 'node:crypto';
import { type SessionParent, TesseraError, unhandled } from '../core/index.js';
import type { IamService, SessionClaims } from '../iam/index.js';
import { isPolicyError, parsePolicy } from '../policy/index.js';
import type { StsKeyring } from './keys.js';
import { sealSession } from './token.js';

/** "The plaintext that you use for both inline and managed session policies can't exceed 2,048 characters." */
export const MAX_SESSION_POLICY = 2048;

/** Temporary credentials as STS answers them. */
export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: number;
  readonly sessionId: string;
  /** The inline session policy's size as a percentage of the allowed packed size (PackedPolicySize). */
  readonly packedPolicySize?: number;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A temporary access key id: `ASIA` and 16 random characters, as AWS's. */
function temporaryAccessKey(): string {
  const bytes = randomBytes(16);
  let out = 'ASIA';
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

/** Validates the Policy parameter as a session policy: MalformedPolicyDocument, PackedPolicyTooLarge. */
export function checkSessionPolicy(text: string): string {
  if (text.length > MAX_SESSION_POLICY) {
    throw new TesseraError(
      'PackedPolicyTooLarge',
      `The session policy is ${text.length} characters; at most ${MAX_SESSION_POLICY} are allowed.`,
    );
  }
  try {
    parsePolicy(text, { kind: 'session' });
  } catch (e) {
    if (isPolicyError(e)) throw new TesseraError('MalformedPolicyDocument', e.message);
    throw e;
  }
  return text;
}

/** The documents PolicyArns name (the caller's account's managed policies, or built-ins). */
export async function managedSessionPolicies(
  iam: IamService,
  account: string,
  arns: readonly string[],
): Promise<string[]> {
  const out: string[] = [];
  for (const arn of arns) {
    const slash = arn.lastIndexOf(':policy/');
    const name =
      slash < 0
        ? ''
        : arn
            .slice(slash + ':policy/'.length)
            .split('/')
            .pop()!;
    if (!arn.startsWith('arn:') || name === '') {
      throw new TesseraError('InvalidParameterValue', `Invalid policy ARN: ${arn.slice(0, 200)}`);
    }
    try {
      out.push(await iam.policies.document(account, name));
    } catch (e) {
      if (e instanceof TesseraError && e.code === 'NoSuchEntity') {
        throw new TesseraError(
          'InvalidParameterValue',
          `Policy ${arn.slice(0, 200)} does not exist or is not attachable.`,
        );
      }
      throw e;
    }
  }
  return out;
}

/** Whose session a token says it is: a long-term identity's key, a federated identity, or a role. */
function parentClaim(parent: SessionParent): Pick<SessionClaims, 'parentAccessKey' | 'federated' | 'role'> {
  switch (parent.kind) {
    case 'federated':
      return { federated: parent };
    case 'role':
      return { role: { account: parent.account, name: parent.name, id: parent.roleId } };
    case 'root':
    case 'user':
    case 'serviceAccount':
      return { parentAccessKey: parent.accessKey };
    default:
      return unhandled(parent);
  }
}

/**
 * Issues temporary credentials for `parent`: nothing is written, the token carries what the
 * session is (token.ts) and its secret is derived from it.
 */
export function issueSession(
  keys: StsKeyring,
  parent: SessionParent,
  opts: {
    now: number;
    durationSeconds: number;
    policies?: readonly string[];
    sessionName?: string;
    inlinePolicy?: string;
  },
): IssuedCredentials {
  const accessKey = temporaryAccessKey();
  const sessionId = randomBytes(12).toString('base64url');
  const expiresAt = opts.now + opts.durationSeconds * 1000;
  const { token, secretKey } = sealSession(keys, {
    sessionId,
    accessKey,
    ...parentClaim(parent),
    issuedAt: opts.now,
    expiresAt,
    ...(opts.policies !== undefined && opts.policies.length > 0 ? { sessionPolicies: opts.policies } : {}),
    ...(opts.sessionName === undefined ? {} : { sessionName: opts.sessionName }),
  });
  const issued: IssuedCredentials = {
    accessKeyId: accessKey,
    secretAccessKey: secretKey,
    sessionToken: token,
    expiration: expiresAt,
    sessionId,
  };
  return opts.inlinePolicy === undefined
    ? issued
    : { ...issued, packedPolicySize: Math.ceil((opts.inlinePolicy.length / MAX_SESSION_POLICY) * 100) };
}
