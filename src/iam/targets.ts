import { isTesseraError } from '../core/index.js';
import type { IamService } from './service.js';

/**
 * An IAM entity a request names, spelled as the request spells it. IAM names are unique without
 * regard to case ("you cannot create resources named both MyResource and myresource") and the
 * directory finds `KIM` when `kim` is stored, so a request must never be authorized on the name
 * as sent: it is resolved to the stored entity first, then authorized on that entity's ARN, then
 * the action runs on the stored name (docs/security.md "Names and letter case").
 */
export type IamTarget =
  | { readonly kind: 'user'; readonly name: string }
  | { readonly kind: 'group'; readonly name: string }
  | { readonly kind: 'role'; readonly name: string }
  /** A managed policy: a built-in (AWS-managed ARN) or the account's own. */
  | { readonly kind: 'policy'; readonly name: string }
  | { readonly kind: 'root' }
  /**
   * An action on no single entity (ListUsers on `user/`, ListPolicies on `*`): the resource is
   * used as given. Never for an action that reads or changes a named entity.
   */
  | { readonly kind: 'collection'; readonly resource: string };

/** A target as stored: the canonical name and ARN to authorize on and act on. */
export interface ResolvedTarget {
  readonly kind: IamTarget['kind'];
  /** The stored spelling ('' for root and collections); the name as sent when it does not exist. */
  readonly name: string;
  readonly arn: string;
  /**
   * The ARN as the request spelled it: what a denial names, so that the answer reveals neither
   * whether the entity exists nor how its name is stored.
   */
  readonly sentArn: string;
  /** False when no such entity exists (the action will answer NoSuchEntity, or create it). */
  readonly exists: boolean;
}

async function stored<T extends { name: string; arn: string }>(
  get: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await get();
  } catch (e) {
    if (isTesseraError(e, 'NoSuchEntity')) return undefined;
    throw e;
  }
}

function same(arn: string): { arn: string; sentArn: string } {
  return { arn, sentArn: arn };
}

/**
 * Resolves a target in `account` to the entity the directory would act on.
 * @example await resolveTarget(iam, '', { kind: 'user', name: 'KIM' }) // → { name: 'kim', arn: '…:user/kim', exists: true }
 */
export async function resolveTarget(iam: IamService, account: string, t: IamTarget): Promise<ResolvedTarget> {
  switch (t.kind) {
    case 'root':
      return { kind: 'root', name: '', ...same(iam.arns.root(account)), exists: true };
    case 'collection':
      return { kind: 'collection', name: '', ...same(t.resource), exists: true };
    case 'user': {
      const sentArn = iam.arns.user(account, t.name);
      const u = await stored(() => iam.users.get(account, t.name));
      return u === undefined
        ? { kind: 'user', name: t.name, arn: sentArn, sentArn, exists: false }
        : { kind: 'user', name: u.name, arn: u.arn, sentArn, exists: true };
    }
    case 'group': {
      const sentArn = iam.arns.group(account, t.name);
      const g = await stored(() => iam.groups.get(account, t.name));
      return g === undefined
        ? { kind: 'group', name: t.name, arn: sentArn, sentArn, exists: false }
        : { kind: 'group', name: g.name, arn: g.arn, sentArn, exists: true };
    }
    case 'role': {
      // A role that does not exist yet (CreateRole) is authorized on `role/<name>` (path `/`).
      const sentArn = iam.arns.role(account, '/', t.name);
      const r = await iam.roles.find(account, t.name);
      return r === undefined
        ? { kind: 'role', name: t.name, arn: sentArn, sentArn, exists: false }
        : { kind: 'role', name: r.name, arn: r.arn, sentArn, exists: true };
    }
    case 'policy': {
      const p = await stored(() => iam.policies.get(account, t.name));
      const sentArn = p?.builtin ? p.arn : iam.arns.policy(account, t.name);
      return p === undefined
        ? { kind: 'policy', name: t.name, arn: sentArn, sentArn, exists: false }
        : { kind: 'policy', name: p.name, arn: p.arn, sentArn, exists: true };
    }
    default: {
      const never: never = t;
      throw new Error(`unhandled target ${JSON.stringify(never)}`);
    }
  }
}
