import { type Principal, TesseraError, unhandled, type XmlNode } from '../../core/index.js';
import type { IamService, IamTarget, ResolvedTarget } from '../../iam/index.js';
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
  /**
   * Throws AccessDenied unless the caller may do `check`; returns the target as stored, whose
   * `name` is the one to act on (never the name as sent).
   */
  authorize(check: AccessCheck): Promise<ResolvedTarget>;
  /** Resolves an entity the call names besides its target (e.g. the policy of AttachUserPolicy). */
  resolve(target: IamTarget): Promise<ResolvedTarget>;
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
  switch (p.kind) {
    case 'user':
      return { type: 'user', name: p.name };
    case 'serviceAccount':
      return p.parent.kind === 'user' ? { type: 'user', name: p.parent.name } : { type: 'root' };
    case 'session':
      if (p.parent.kind === 'federated' || p.parent.kind === 'role')
        throw new TesseraError('ValidationError', `UserName is required for a ${p.parent.kind} caller.`);
      return callerSubject(p.parent);
    case 'root':
      return { type: 'root' };
    case 'anonymous':
      throw new TesseraError('ValidationError', 'UserName is required for this caller.');
    default:
      return unhandled(p);
  }
}

/** The `UserName` parameter, or the caller. */
export function subjectOf(call: Call): Subject {
  const name = call.params.optional('UserName');
  return name === undefined ? callerSubject(call.principal) : { type: 'user', name };
}

/** The target of a subject: the user, or the account root. */
export function subjectTarget(s: Subject): IamTarget {
  return s.type === 'root' ? { kind: 'root' } : { kind: 'user', name: s.name };
}

export function user(name: string): IamTarget {
  return { kind: 'user', name };
}

export function group(name: string): IamTarget {
  return { kind: 'group', name };
}

/** Actions on no single entity (lists, `*`). */
export function collection(resource: string): IamTarget {
  return { kind: 'collection', resource };
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
