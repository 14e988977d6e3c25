import { type Principal, TesseraError, type XmlNode } from '../../core/index.js';
import type { IamService } from '../../iam/index.js';
import { isBuiltinName } from '../../policy/index.js';
import type { AccessCheck } from './authz.js';
import type { Params } from './params.js';

/** One IAM API call as a handler sees it. */
export interface Call {
  readonly iam: IamService;
  /** The caller's account ('' = default); every entity the call names lives in it. */
  readonly account: string;
  readonly principal: Principal;
  readonly params: Params;
  /** Throws AccessDenied unless the caller may do `check`. */
  authorize(check: AccessCheck): Promise<void>;
}

/** A handler: authorizes, acts, and returns the `<ActionResult>` content (undefined: none). */
export type Handler = (call: Call) => Promise<XmlNode | undefined>;

/** Who an access-key or GetUser call is about: a named user, or the account root. */
export type Subject = { type: 'root' } | { type: 'user'; name: string };

/**
 * AWS: "If you do not specify a user name, IAM determines the user name implicitly based on the
 * AWS access key ID signing the request." A service account acts for its parent.
 */
export function callerSubject(p: Principal): Subject {
  if (p.type === 'user' && p.name !== undefined) return { type: 'user', name: p.name };
  if (p.type === 'serviceAccount' && p.parentType === 'user') {
    const name = p.parent ?? p.name;
    if (name !== undefined) return { type: 'user', name };
  }
  if (p.type === 'root' || (p.type === 'serviceAccount' && p.parentType === 'root')) return { type: 'root' };
  throw new TesseraError('ValidationError', 'UserName is required for this caller.');
}

/** The `UserName` parameter, or the caller. */
export function subjectOf(call: Call): Subject {
  const name = call.params.optional('UserName');
  return name === undefined ? callerSubject(call.principal) : { type: 'user', name };
}

/** The resource ARN of a subject: the user's, or the account root's. */
export function subjectArn(call: Call, s: Subject): string {
  return s.type === 'root' ? call.iam.arns.root(call.account) : call.iam.arns.user(call.account, s.name);
}

export function userArn(call: Call, name: string): string {
  return call.iam.arns.user(call.account, name);
}

export function groupArn(call: Call, name: string): string {
  return call.iam.arns.group(call.account, name);
}

/**
 * A PolicyArn parameter → the policy's name in the caller's account. AWS-managed ARNs
 * (`arn:aws:iam::aws:policy/…`) name the built-in policies; an ARN of another account is
 * NoSuchEntity, as in AWS ("does not exist or is not attachable").
 */
export function policyName(call: Call, arn: string): string {
  const parsed = call.iam.arns.parsePolicy(arn);
  const known = parsed.account === undefined ? isBuiltinName(parsed.name) : parsed.account === call.account;
  if (!known) throw new TesseraError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`);
  return parsed.name;
}
