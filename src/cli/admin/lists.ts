import {
  type AttachedPolicy,
  type IAMClient,
  type Policy,
  paginateListAccessKeys,
  paginateListAttachedGroupPolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListPolicies,
  paginateListUserPolicies,
} from '@aws-sdk/client-iam';
import { AdminError } from './connection.js';

/** Every item of every page of an SDK paginator. */
export async function collect<P, T>(
  pages: AsyncIterable<P>,
  items: (page: P) => T[] | undefined,
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

export async function groupsOfUser(iam: IAMClient, user: string): Promise<string[]> {
  const groups = await collect(
    paginateListGroupsForUser({ client: iam }, { UserName: user }),
    (p) => p.Groups,
  );
  return groups.map((g) => g.GroupName!);
}

export async function attachedToUser(iam: IAMClient, user: string): Promise<AttachedPolicy[]> {
  return collect(
    paginateListAttachedUserPolicies({ client: iam }, { UserName: user }),
    (p) => p.AttachedPolicies,
  );
}

export async function attachedToGroup(iam: IAMClient, group: string): Promise<AttachedPolicy[]> {
  return collect(
    paginateListAttachedGroupPolicies({ client: iam }, { GroupName: group }),
    (p) => p.AttachedPolicies,
  );
}

export async function inlineOfUser(iam: IAMClient, user: string): Promise<string[]> {
  return collect(paginateListUserPolicies({ client: iam }, { UserName: user }), (p) => p.PolicyNames);
}

export async function inlineOfGroup(iam: IAMClient, group: string): Promise<string[]> {
  return collect(paginateListGroupPolicies({ client: iam }, { GroupName: group }), (p) => p.PolicyNames);
}

export async function accessKeysOf(iam: IAMClient, user: string): Promise<string[]> {
  const keys = await collect(
    paginateListAccessKeys({ client: iam }, { UserName: user }),
    (p) => p.AccessKeyMetadata,
  );
  return keys.map((k) => k.AccessKeyId!);
}

export async function allPolicies(iam: IAMClient): Promise<Policy[]> {
  return collect(paginateListPolicies({ client: iam }, { Scope: 'All' }), (p) => p.Policies);
}

/**
 * A policy name (or ARN) → its ARN: custom policies are `arn:aws:iam::<account>:policy/NAME`,
 * built-ins `arn:aws:iam::aws:policy/NAME`; names are matched without regard to case, as IAM does.
 */
export async function policyArn(iam: IAMClient, nameOrArn: string): Promise<string> {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  const lower = nameOrArn.toLowerCase();
  const found = (await allPolicies(iam)).find((p) => p.PolicyName?.toLowerCase() === lower);
  if (found?.Arn === undefined) throw new AdminError('NoSuchEntity', `Policy ${nameOrArn} does not exist.`);
  return found.Arn;
}
