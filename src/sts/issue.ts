import { randomPooled, type SessionParent, TesseraError, unhandled, type XmlNode } from '../core/index.js';
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
  /** What the token says (for the audit entry's `change.issued`: ids and times, never the secret). */
  readonly claims: SessionClaims;
}

/** The key under which a `<Credentials>` node keeps its claims (a symbol: never rendered). */
export const ISSUED_CLAIMS: unique symbol = Symbol('tessera.issuedClaims');

/** `<Credentials>` as STS answers them; the node also carries the claims, out of the XML, for the audit. */
export function credentialsXml(c: IssuedCredentials): XmlNode {
  const node: XmlNode & { [ISSUED_CLAIMS]?: SessionClaims } = {
    AccessKeyId: c.accessKeyId,
    SecretAccessKey: c.secretAccessKey,
    SessionToken: c.sessionToken,
    Expiration: new Date(c.expiration).toISOString(),
  };
  Object.defineProperty(node, ISSUED_CLAIMS, { value: c.claims, enumerable: false });
  return node;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A temporary access key id: `ASIA` and 16 random characters, as AWS's. */
function temporaryAccessKey(): string {
  const bytes = randomPooled(16);
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
    /** Session tags (session-tags.ts), carried in the token. */
    tags?: { readonly tags: Readonly<Record<string, string>>; readonly transitive: readonly string[] };
  },
): IssuedCredentials {
  const accessKey = temporaryAccessKey();
  const sessionId = randomPooled(12).toString('base64url');
  const expiresAt = opts.now + opts.durationSeconds * 1000;
  const claims: SessionClaims = {
    sessionId,
    accessKey,
    ...parentClaim(parent),
    issuedAt: opts.now,
    expiresAt,
    ...(opts.policies !== undefined && opts.policies.length > 0 ? { sessionPolicies: opts.policies } : {}),
    ...(opts.sessionName === undefined ? {} : { sessionName: opts.sessionName }),
    ...(opts.tags === undefined || Object.keys(opts.tags.tags).length === 0
      ? {}
      : { sessionTags: opts.tags.tags, transitiveTagKeys: opts.tags.transitive }),
  };
  const { token, secretKey } = sealSession(keys, claims);
  const issued: IssuedCredentials = {
    accessKeyId: accessKey,
    secretAccessKey: secretKey,
    sessionToken: token,
    expiration: expiresAt,
    sessionId,
    claims,
  };
  return opts.inlinePolicy === undefined
    ? issued
    : { ...issued, packedPolicySize: Math.ceil((opts.inlinePolicy.length / MAX_SESSION_POLICY) * 100) };
}
