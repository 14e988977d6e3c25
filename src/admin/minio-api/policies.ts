import { isTesseraError, TesseraError } from '../../core/index.js';
import type { ResolvedTarget } from '../../iam/index.js';
import {
  type Call,
  collection,
  encrypted,
  group,
  type Handler,
  json,
  jsonObject,
  minio,
  ok,
  policy,
  user,
} from './call.js';

/** A lookup of an entity a query names: absent when there is none (other errors pass). */
function absent(e: unknown): undefined {
  if (isTesseraError(e, 'NoSuchEntity')) return undefined;
  throw e;
}

/** MinIO's maxBucketPolicySize: a canned policy of at most 20 KiB. */
const MAX_POLICY = 20 * 1024;

function nameOf(call: Call): string {
  const name = call.param('name');
  if (name === '') throw new TesseraError('XMinioAdminInvalidArgument', 'name is required.');
  return name;
}

/** A policy that exists (XMinioAdminNoSuchPolicy), as stored. */
async function existingPolicy(call: Call, name: string): Promise<string> {
  return (await minio(() => call.iam.policies.get(call.account, name), 'XMinioAdminNoSuchPolicy')).name;
}

/** The stored document, compact (MinIO re-encodes the parsed policy). */
async function documentOf(call: Call, name: string): Promise<unknown> {
  return JSON.parse(await call.iam.policies.document(call.account, name)) as unknown;
}

/**
 * PUT add-canned-policy?name= with the policy JSON: creates it, or replaces its document (the
 * new one becomes the only version, as MinIO keeps no history). Built-in policies are read-only.
 */
export const addCannedPolicy: Handler = async (call) => {
  const name = nameOf(call);
  const length = call.req.contentLength;
  if (length === undefined || length <= 0) throw new TesseraError('MissingContentLength');
  if (length > MAX_POLICY) throw new TesseraError('EntityTooLarge');
  const target = await call.authorize({
    action: 'iam:CreatePolicy',
    target: policy(name),
    admin: ['admin:CreatePolicy'],
  });
  const document = (await call.plain(MAX_POLICY)).toString('utf8');
  await minio(async () => {
    if (!target.exists) {
      await call.iam.policies.create(call.account, name, document);
      return;
    }
    const id = await call.iam.policies.createVersion(call.account, target.name, document, true);
    for (const v of await call.iam.policies.listVersions(call.account, target.name))
      if (v.versionId !== id) await call.iam.policies.deleteVersion(call.account, target.name, v.versionId);
  }, 'XMinioAdminNoSuchPolicy');
  return {
    ...ok(),
    change: {
      action: 'AddCannedPolicy',
      target: { type: 'policy', name: target.exists ? target.name : name },
    },
  };
};

/**
 * GET info-canned-policy?name=: the policy document; with `v=2` madmin.PolicyInfo
 * `{PolicyName, Policy, CreateDate, UpdateDate}` (dates absent for the built-ins).
 */
export const infoCannedPolicy: Handler = async (call) => {
  const name = nameOf(call);
  const target = await call.authorize({
    action: 'iam:GetPolicy',
    target: policy(name),
    admin: ['admin:GetPolicy'],
  });
  if (!target.exists) throw new TesseraError('XMinioAdminNoSuchPolicy');
  const p = await minio(() => call.iam.policies.get(call.account, target.name), 'XMinioAdminNoSuchPolicy');
  const doc = await documentOf(call, p.name);
  if (call.param('v') !== '2') return { ...json(doc), body: `${JSON.stringify(doc)}\n` };
  return json({
    PolicyName: p.name,
    Policy: doc,
    ...(p.builtin
      ? {}
      : { CreateDate: new Date(p.createdAt).toISOString(), UpdateDate: new Date(p.updatedAt).toISOString() }),
  });
};

/** GET list-canned-policies: `{name: document}`, the built-ins included. */
export const listCannedPolicies: Handler = async (call) => {
  await call.authorize({
    action: 'iam:ListPolicies',
    target: collection('*'),
    admin: ['admin:ListUserPolicies'],
  });
  const out: Record<string, unknown> = {};
  for (const p of await call.iam.policies.list(call.account)) out[p.name] = await documentOf(call, p.name);
  return json(out);
};

/** DELETE remove-canned-policy?name=. */
export const removeCannedPolicy: Handler = async (call) => {
  const name = nameOf(call);
  const target = await call.authorize({
    action: 'iam:DeletePolicy',
    target: policy(name),
    admin: ['admin:DeletePolicy'],
  });
  if (!target.exists) throw new TesseraError('XMinioAdminNoSuchPolicy');
  await minio(
    () => call.iam.policies.delete(call.account, target.name, { deleteVersions: true }),
    'XMinioAdminNoSuchPolicy',
  );
  return { ...ok(), change: { action: 'RemoveCannedPolicy', target: { type: 'policy', name: target.name } } };
};

type Entity = { kind: 'user' | 'group'; target: ResolvedTarget };

/** Authorizes a policy change of a user or group, which must exist. */
async function entity(call: Call, kind: 'user' | 'group', name: string, admin: string[]): Promise<Entity> {
  const target = await call.authorize({
    action: kind === 'user' ? 'iam:AttachUserPolicy' : 'iam:AttachGroupPolicy',
    target: kind === 'user' ? user(name) : group(name),
    admin,
  });
  if (!target.exists)
    throw new TesseraError(kind === 'user' ? 'XMinioAdminNoSuchUser' : 'XMinioAdminNoSuchGroup');
  return { kind, target };
}

async function attached(call: Call, e: Entity): Promise<string[]> {
  return (await call.iam.policies.listAttached(call.account, e.kind, e.target.name)).map((p) => p.name);
}

/** Comma-separated policy names, each an existing policy. */
async function policyList(call: Call, names: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const n of names.map((s) => s.trim()).filter((s) => s !== '')) {
    const stored = await existingPolicy(call, n);
    if (!out.includes(stored)) out.push(stored);
  }
  return out;
}

/**
 * PUT set-user-or-group-policy?policyName=a,b&userOrGroup=&isGroup=true|false (MinIO's legacy
 * call): the entity's policies become exactly the ones listed (none: all detached).
 */
export const setUserOrGroupPolicy: Handler = async (call) => {
  const name = call.param('userOrGroup');
  if (name === '') throw new TesseraError('XMinioAdminInvalidArgument', 'userOrGroup is required.');
  const e = await entity(call, call.param('isGroup') === 'true' ? 'group' : 'user', name, [
    'admin:AttachUserOrGroupPolicy',
  ]);
  const wanted = await policyList(call, call.param('policyName').split(','));
  const now = await attached(call, e);
  for (const p of now)
    if (!wanted.includes(p)) await call.iam.policies.detach(call.account, e.kind, e.target.name, p);
  for (const p of wanted)
    if (!now.includes(p)) await call.iam.policies.attach(call.account, e.kind, e.target.name, p);
  return {
    ...ok(),
    change: {
      action: 'SetPolicy',
      target: { type: e.kind, name: e.target.name },
      after: { policies: wanted },
    },
  };
};

/** madmin.PolicyAssociationReq, checked as madmin's IsValid does. */
function association(body: Buffer): { policies: string[]; kind: 'user' | 'group'; name: string } {
  const r = jsonObject(body, 'XMinioMalformedJSON');
  const policies = r.policies;
  if (
    !Array.isArray(policies) ||
    policies.length === 0 ||
    policies.some((p) => typeof p !== 'string' || p === '')
  )
    throw new TesseraError('XMinioAdminInvalidArgument', 'policies must name at least one policy.');
  const u = typeof r.user === 'string' ? r.user : '';
  const g = typeof r.group === 'string' ? r.group : '';
  if ((u === '') === (g === ''))
    throw new TesseraError('XMinioAdminInvalidArgument', 'Exactly one of user and group must be given.');
  return { policies: policies as string[], kind: u !== '' ? 'user' : 'group', name: u !== '' ? u : g };
}

/** POST idp/builtin/policy/attach|detach with E(PolicyAssociationReq): 201 E({policiesAttached}) / 204. */
function attachOrDetach(attach: boolean): Handler {
  return async (call) => {
    const req = association(await call.decrypted());
    const e = await entity(call, req.kind, req.name, [
      'admin:UpdatePolicyAssociation',
      'admin:AttachUserOrGroupPolicy',
    ]);
    const named = await policyList(call, req.policies);
    const now = await attached(call, e);
    const changed = attach ? named.filter((p) => !now.includes(p)) : named.filter((p) => now.includes(p));
    if (changed.length === 0) throw new TesseraError('XMinioAdminPolicyChangeAlreadyApplied');
    for (const p of changed) {
      if (attach) await call.iam.policies.attach(call.account, e.kind, e.target.name, p);
      else await call.iam.policies.detach(call.account, e.kind, e.target.name, p);
    }
    const result = attach ? { policiesAttached: changed } : { policiesDetached: changed };
    const change = {
      action: attach ? 'AttachPolicy' : 'DetachPolicy',
      target: { type: e.kind, name: e.target.name },
      after: result,
    };
    if (!attach) return { ...ok(204), change };
    return { ...(await encrypted(call, { ...result, updatedAt: new Date().toISOString() }, 201)), change };
  };
}

export const attachPolicy = attachOrDetach(true);
export const detachPolicy = attachOrDetach(false);

/**
 * GET idp/builtin/policy-entities?user=&group=&policy=: E(madmin.PolicyEntitiesResult); with no
 * filter at all, every user and group with policies and every policy with entities.
 */
export const policyEntities: Handler = async (call) => {
  await call.authorize({
    action: 'iam:ListPolicies',
    target: collection('*'),
    admin: ['admin:ListUserPolicies'],
  });
  const q = call.req.query;
  let users = q.getAll('user').filter((s) => s !== '');
  let groups = q.getAll('group').filter((s) => s !== '');
  let policies = q.getAll('policy').filter((s) => s !== '');
  const all = users.length === 0 && groups.length === 0 && policies.length === 0;
  if (all) {
    users = (await call.iam.users.list(call.account)).map((u) => u.name);
    groups = (await call.iam.groups.list(call.account)).map((g) => g.name);
    policies = (await call.iam.policies.list(call.account)).map((p) => p.name);
  }
  const userMappings = [];
  for (const name of users) {
    const found = await call.iam.users.get(call.account, name).catch(absent);
    if (found === undefined) continue;
    const ps = (await call.iam.policies.listAttached(call.account, 'user', found.name)).map((p) => p.name);
    if (ps.length > 0 || !all) userMappings.push({ user: found.name, policies: ps });
  }
  const groupMappings = [];
  for (const name of groups) {
    const found = await call.iam.groups.get(call.account, name).catch(absent);
    if (found === undefined) continue;
    const ps = (await call.iam.policies.listAttached(call.account, 'group', found.name)).map((p) => p.name);
    if (ps.length > 0 || !all) groupMappings.push({ group: found.name, policies: ps });
  }
  const policyMappings = [];
  for (const name of policies) {
    const found = await call.iam.policies.entities(call.account, name).catch(absent);
    if (found === undefined) continue;
    if (found.users.length > 0 || found.groups.length > 0 || !all)
      policyMappings.push({ policy: name, users: found.users, groups: found.groups });
  }
  return encrypted(call, {
    timestamp: new Date().toISOString(),
    ...(userMappings.length === 0 ? {} : { userMappings }),
    ...(groupMappings.length === 0 ? {} : { groupMappings }),
    ...(policyMappings.length === 0 ? {} : { policyMappings }),
  });
};
