import { call, parseXml, postJson } from './client.js';
import { ApiError } from './errors.js';

/**
 * The IAM (and Tessera's IAM extensions) Query API through the console's signing relay:
 * POST /api/v1/iam with a form body, answered with IAM's XML.
 */
export async function iam(
  action: string,
  params: Record<string, string | undefined> = {},
): Promise<Document> {
  const form = new URLSearchParams({ Action: action, Version: '2010-05-08' });
  for (const [k, v] of Object.entries(params)) if (v !== undefined) form.append(k, v);
  const res = await call('/api/v1/iam', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: form.toString(),
  });
  return parseXml(await res.text());
}

/** Numbered list parameters as IAM writes them: `Name.member.1`, `Name.member.2`, … */
export function members(name: string, values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  values.forEach((v, i) => {
    out[`${name}.member.${i + 1}`] = v;
  });
  return out;
}

// ---- reading IAM's XML ----

/** The first descendant element named `name`. */
export function first(el: Element | Document, name: string): Element | undefined {
  return el.getElementsByTagName(name)[0];
}

/** The text of the first descendant named `name` ('' when absent). */
export function text(el: Element | Document, name: string): string {
  return first(el, name)?.textContent ?? '';
}

/** The `<member>` children of the first descendant named `list`. */
export function memberEls(el: Element | Document, list: string): Element[] {
  const l = first(el, list);
  if (l === undefined) return [];
  return Array.from(l.children).filter((c) => c.localName === 'member');
}

/** The direct child's text (not a descendant's: IAM nests same-named elements). */
export function own(el: Element, name: string): string | undefined {
  for (const c of Array.from(el.children)) if (c.localName === name) return c.textContent ?? '';
  return undefined;
}

/** Fetches every page of a list action (Marker / IsTruncated). */
export async function allPages(
  action: string,
  params: Record<string, string | undefined>,
  list: string,
): Promise<Element[]> {
  const out: Element[] = [];
  let marker: string | undefined;
  for (let i = 0; i < 100; i++) {
    const doc = await iam(action, { ...params, ...(marker === undefined ? {} : { Marker: marker }) });
    out.push(...memberEls(doc, list));
    if (text(doc, 'IsTruncated') !== 'true') break;
    marker = text(doc, 'Marker');
    if (marker === '') break;
  }
  return out;
}

/** AWS returns policy documents URL-encoded; pretty-printed for the editor. */
export function decodeDocument(encoded: string): string {
  let raw = encoded;
  try {
    raw = decodeURIComponent(encoded);
  } catch {
    // already plain
  }
  return prettyJson(raw);
}

export function prettyJson(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

// ---- users ----

export interface IamUserInfo {
  name: string;
  arn: string;
  id: string;
  created: string;
  /** Tessera's extension: `Active` / `Inactive`. */
  status: string;
}

function userOf(el: Element): IamUserInfo {
  return {
    name: own(el, 'UserName') ?? '',
    arn: own(el, 'Arn') ?? '',
    id: own(el, 'UserId') ?? '',
    created: own(el, 'CreateDate') ?? '',
    status: own(el, 'Status') ?? 'Active',
  };
}

export async function listUsers(): Promise<IamUserInfo[]> {
  return (await allPages('ListUsers', {}, 'Users')).map(userOf);
}

export async function getUser(name: string): Promise<IamUserInfo> {
  return userOf(first(await iam('GetUser', { UserName: name }), 'User')!);
}

export async function setUserStatus(name: string, active: boolean): Promise<void> {
  await iam('UpdateUser', { UserName: name, Status: active ? 'Active' : 'Inactive' });
}

/** Whether the user has a login profile (a MinIO-style secret: it signs as its own name). */
export async function hasLoginProfile(name: string): Promise<boolean> {
  try {
    await iam('GetLoginProfile', { UserName: name });
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'NoSuchEntity') return false;
    throw e;
  }
}

// ---- groups ----

export interface IamGroupInfo {
  name: string;
  arn: string;
  created: string;
  status: string;
}

function groupOf(el: Element): IamGroupInfo {
  return {
    name: own(el, 'GroupName') ?? '',
    arn: own(el, 'Arn') ?? '',
    created: own(el, 'CreateDate') ?? '',
    status: own(el, 'Status') ?? 'Active',
  };
}

export async function listGroups(): Promise<IamGroupInfo[]> {
  return (await allPages('ListGroups', {}, 'Groups')).map(groupOf);
}

export async function listGroupsForUser(user: string): Promise<IamGroupInfo[]> {
  return (await allPages('ListGroupsForUser', { UserName: user }, 'Groups')).map(groupOf);
}

export async function getGroup(name: string): Promise<{ group: IamGroupInfo; users: IamUserInfo[] }> {
  const doc = await iam('GetGroup', { GroupName: name });
  return { group: groupOf(first(doc, 'Group')!), users: memberEls(doc, 'Users').map(userOf) };
}

// ---- policies ----

export interface IamPolicyInfo {
  name: string;
  arn: string;
  defaultVersion: string;
  attachments: number;
  description: string;
  updated: string;
  builtin: boolean;
}

function policyOf(el: Element, builtin: boolean): IamPolicyInfo {
  return {
    name: own(el, 'PolicyName') ?? '',
    arn: own(el, 'Arn') ?? '',
    defaultVersion: own(el, 'DefaultVersionId') ?? '',
    attachments: Number(own(el, 'AttachmentCount') ?? '0'),
    description: own(el, 'Description') ?? '',
    updated: own(el, 'UpdateDate') ?? '',
    builtin,
  };
}

/** Built-ins (Scope AWS: MinIO's canned policies) first, then the account's own. */
export async function listPolicies(): Promise<IamPolicyInfo[]> {
  const [aws, local] = await Promise.all([
    allPages('ListPolicies', { Scope: 'AWS' }, 'Policies'),
    allPages('ListPolicies', { Scope: 'Local' }, 'Policies'),
  ]);
  return [...aws.map((e) => policyOf(e, true)), ...local.map((e) => policyOf(e, false))];
}

/** A policy by name (its ARN found through the list), with its default document. */
export async function getPolicyByName(
  name: string,
): Promise<{ policy: IamPolicyInfo; document: string } | undefined> {
  const p = (await listPolicies()).find((x) => x.name === name);
  if (p === undefined) return undefined;
  const doc = await iam('GetPolicyVersion', { PolicyArn: p.arn, VersionId: p.defaultVersion });
  return { policy: p, document: decodeDocument(text(doc, 'Document')) };
}

export interface PolicyVersionInfo {
  id: string;
  isDefault: boolean;
  created: string;
}

export async function listPolicyVersions(arn: string): Promise<PolicyVersionInfo[]> {
  return (await allPages('ListPolicyVersions', { PolicyArn: arn }, 'Versions')).map((e) => ({
    id: own(e, 'VersionId') ?? '',
    isDefault: own(e, 'IsDefaultVersion') === 'true',
    created: own(e, 'CreateDate') ?? '',
  }));
}

/**
 * Saves a new default version of a managed policy. A policy keeps at most 5 versions: the oldest
 * one that is not the default is deleted first when the policy is full.
 */
export async function savePolicyVersion(arn: string, document: string): Promise<void> {
  const versions = await listPolicyVersions(arn);
  if (versions.length >= 5) {
    const oldest = versions.filter((v) => !v.isDefault).sort((a, b) => a.created.localeCompare(b.created))[0];
    if (oldest !== undefined) await iam('DeletePolicyVersion', { PolicyArn: arn, VersionId: oldest.id });
  }
  await iam('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: document, SetAsDefault: 'true' });
}

/** Deletes a managed policy: its non-default versions first (AWS refuses otherwise). */
export async function deletePolicy(arn: string): Promise<void> {
  for (const v of await listPolicyVersions(arn))
    if (!v.isDefault) await iam('DeletePolicyVersion', { PolicyArn: arn, VersionId: v.id });
  await iam('DeletePolicy', { PolicyArn: arn });
}

export interface PolicyEntities {
  users: string[];
  groups: string[];
  roles: string[];
}

export async function listEntitiesForPolicy(arn: string): Promise<PolicyEntities> {
  const doc = await iam('ListEntitiesForPolicy', { PolicyArn: arn });
  return {
    users: memberEls(doc, 'PolicyUsers').map((e) => own(e, 'UserName') ?? ''),
    groups: memberEls(doc, 'PolicyGroups').map((e) => own(e, 'GroupName') ?? ''),
    roles: memberEls(doc, 'PolicyRoles').map((e) => own(e, 'RoleName') ?? ''),
  };
}

// ---- attachments and inline policies of users, groups and roles ----

export type EntityKind = 'User' | 'Group' | 'Role';

export function entityParam(kind: EntityKind, name: string): Record<string, string> {
  return { [`${kind}Name`]: name };
}

export interface AttachedPolicy {
  name: string;
  arn: string;
}

export async function listAttached(kind: EntityKind, name: string): Promise<AttachedPolicy[]> {
  return (await allPages(`ListAttached${kind}Policies`, entityParam(kind, name), 'AttachedPolicies')).map(
    (e) => ({ name: own(e, 'PolicyName') ?? '', arn: own(e, 'PolicyArn') ?? '' }),
  );
}

export async function attachPolicy(kind: EntityKind, name: string, arn: string, detach = false) {
  await iam(`${detach ? 'Detach' : 'Attach'}${kind}Policy`, { ...entityParam(kind, name), PolicyArn: arn });
}

export async function listInline(kind: EntityKind, name: string): Promise<string[]> {
  return (await allPages(`List${kind}Policies`, entityParam(kind, name), 'PolicyNames')).map(
    (e) => e.textContent ?? '',
  );
}

export async function getInline(kind: EntityKind, name: string, policy: string): Promise<string> {
  const doc = await iam(`Get${kind}Policy`, { ...entityParam(kind, name), PolicyName: policy });
  return decodeDocument(text(doc, 'PolicyDocument'));
}

export async function putInline(kind: EntityKind, name: string, policy: string, document: string) {
  await iam(`Put${kind}Policy`, { ...entityParam(kind, name), PolicyName: policy, PolicyDocument: document });
}

export async function deleteInline(kind: EntityKind, name: string, policy: string) {
  await iam(`Delete${kind}Policy`, { ...entityParam(kind, name), PolicyName: policy });
}

// ---- validation (the console back end) ----

export interface PolicyIssue {
  path: string;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: PolicyIssue[];
  warnings: PolicyIssue[];
}

/** What the editor validates a document as: a trust policy is a role's AssumeRolePolicyDocument. */
export type PolicyKindName = 'identity' | 'resource' | 'trust';

export async function validatePolicy(document: string, kind: PolicyKindName): Promise<ValidationResult> {
  try {
    return await postJson<ValidationResult>('/api/v1/policy/validate', { document, kind });
  } catch (e) {
    // A back end that checks only identity and resource policies: the trust policy is then
    // checked by CreateRole / UpdateAssumeRolePolicy, whose error names the path (validationFromError).
    if (kind === 'trust' && e instanceof ApiError && e.code === 'InvalidArgument') {
      return {
        valid: true,
        errors: [],
        warnings: [
          {
            path: '',
            message: 'Not checked before saving: the server checks the trust policy when it is saved.',
          },
        ],
      };
    }
    throw e;
  }
}

/**
 * An IAM answer refusing a document (MalformedPolicyDocument `Statement[0].Action: Policy has
 * invalid action`) as a validation result, so that the editor points at the path; undefined for
 * other errors.
 */
export function validationFromError(e: unknown): ValidationResult | undefined {
  if (!(e instanceof ApiError) || !/^Malformed(Policy|PolicyDocument)$/.test(e.code)) return undefined;
  const m = /^(?:[A-Za-z]+: )?((?:\$\.?)?[A-Za-z][\w]*(?:\[\d+\]|\.[A-Za-z][\w:]*)*): (.+)$/.exec(e.message);
  const issue = m ? { path: m[1]!, message: m[2]! } : { path: '', message: e.message };
  return { valid: false, errors: [issue], warnings: [] };
}
