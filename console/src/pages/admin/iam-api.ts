import { allPages, decodeDocument, first, iam, memberEls, own, text } from '../../api/iam.js';

/**
 * Access keys (Tessera's service accounts, with its CreateAccessKey extras), roles and IAM OpenID
 * Connect providers over the IAM Query API.
 */

export interface AccessKeyInfo {
  accessKey: string;
  /** `Active`, `Inactive` or `Expired`. */
  status: string;
  created: string;
  name: string;
  description: string;
  expiration: string;
}

/** The keys of `user`, or the caller's own (root's when signed in as root) without one. */
export async function listAccessKeys(user?: string): Promise<AccessKeyInfo[]> {
  const params = user === undefined ? {} : { UserName: user };
  return (await allPages('ListAccessKeys', params, 'AccessKeyMetadata')).map((e) => ({
    accessKey: own(e, 'AccessKeyId') ?? '',
    status: own(e, 'Status') ?? '',
    created: own(e, 'CreateDate') ?? '',
    name: own(e, 'Name') ?? '',
    description: own(e, 'Description') ?? '',
    expiration: own(e, 'Expiration') ?? '',
  }));
}

export interface NewAccessKey {
  accessKey: string;
  secretKey: string;
  expiration?: string;
}

/** CreateAccessKey with Tessera's extras (name, description, expiry, an embedded policy). */
export async function createAccessKey(
  user: string | undefined,
  extras: { name?: string; description?: string; expiration?: string; policy?: string } = {},
): Promise<NewAccessKey> {
  const doc = await iam('CreateAccessKey', {
    ...(user === undefined ? {} : { UserName: user }),
    ...(extras.name ? { Name: extras.name } : {}),
    ...(extras.description ? { Description: extras.description } : {}),
    ...(extras.expiration ? { Expiration: extras.expiration } : {}),
    ...(extras.policy ? { Policy: extras.policy } : {}),
  });
  const exp = text(doc, 'Expiration');
  return {
    accessKey: text(doc, 'AccessKeyId'),
    secretKey: text(doc, 'SecretAccessKey'),
    ...(exp === '' ? {} : { expiration: exp }),
  };
}

export async function setAccessKeyStatus(user: string | undefined, key: string, active: boolean) {
  await iam('UpdateAccessKey', {
    ...(user === undefined ? {} : { UserName: user }),
    AccessKeyId: key,
    Status: active ? 'Active' : 'Inactive',
  });
}

export async function deleteAccessKey(user: string | undefined, key: string) {
  await iam('DeleteAccessKey', { ...(user === undefined ? {} : { UserName: user }), AccessKeyId: key });
}

// ---- roles ----

export interface IamRoleInfo {
  name: string;
  arn: string;
  created: string;
  description: string;
  maxSessionDuration: number;
  trustPolicy: string;
}

function roleOf(el: Element): IamRoleInfo {
  return {
    name: own(el, 'RoleName') ?? '',
    arn: own(el, 'Arn') ?? '',
    created: own(el, 'CreateDate') ?? '',
    description: own(el, 'Description') ?? '',
    maxSessionDuration: Number(own(el, 'MaxSessionDuration') ?? '3600'),
    trustPolicy: decodeDocument(own(el, 'AssumeRolePolicyDocument') ?? ''),
  };
}

export async function listRoles(): Promise<IamRoleInfo[]> {
  return (await allPages('ListRoles', {}, 'Roles')).map(roleOf);
}

export async function getRole(name: string): Promise<IamRoleInfo> {
  return roleOf(first(await iam('GetRole', { RoleName: name }), 'Role')!);
}

// ---- IAM OpenID Connect providers ----

export async function listOidcProviders(): Promise<string[]> {
  const doc = await iam('ListOpenIDConnectProviders');
  return memberEls(doc, 'OpenIDConnectProviderList').map((e) => own(e, 'Arn') ?? '');
}
