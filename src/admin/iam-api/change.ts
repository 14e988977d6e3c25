import { type ChangeFact, documentDigest } from '../../audit/index.js';
import type { XmlNode } from '../../core/index.js';
import type { IamService } from '../../iam/index.js';

/**
 * The `change` of a mutating IAM API call's audit entry (docs/audit.md), filled generically from
 * the action name and its parameters: the entity it changed, the parameters that are safe to
 * keep (names, ARNs, statuses; policy documents as digests), and a summary of the entity before
 * and after (status, attached policy names, inline policy digests, group membership). Never a
 * secret: passwords, secret keys and the documents' text are not read from the call at all.
 */

/** Read-only actions: no change. */
const READ_ONLY = /^(Get|List|Simulate|Generate)/;

/** Parameters kept as sent (none of them carries a secret). */
const KEPT = [
  'UserName',
  'GroupName',
  'RoleName',
  'PolicyName',
  'PolicyArn',
  'VersionId',
  'SetAsDefault',
  'Status',
  'AccessKeyId',
  'SessionId',
  'NewUserName',
  'NewGroupName',
  'NewPath',
  'Path',
  'MaxSessionDuration',
  'PermissionsBoundary',
  'OpenIDConnectProviderArn',
  'Url',
  'ClientID',
] as const;

/** Parameters holding a policy document: kept as their digest (SHA-256 and size). */
const DOCUMENTS = ['PolicyDocument', 'AssumeRolePolicyDocument', 'Policy'] as const;

type Target = ChangeFact['target'];

export interface ChangeProbe {
  readonly action: string;
  readonly target: Target;
  readonly before?: Record<string, unknown>;
}

/** Whether `action` changes something (everything but Get*, List*, Simulate*). */
export function isMutating(action: string): boolean {
  return !READ_ONLY.test(action);
}

function targetOf(action: string, p: URLSearchParams): Target {
  const v = (name: string) => {
    const x = p.get(name);
    return x === null || x === '' ? undefined : x;
  };
  const group = v('GroupName');
  if (group !== undefined && action.includes('Group')) return { type: 'group', name: group };
  const role = v('RoleName');
  if (role !== undefined) return { type: 'role', name: role };
  const user = v('UserName');
  if (user !== undefined) return { type: 'user', name: user };
  if (group !== undefined) return { type: 'group', name: group };
  const arn = v('PolicyArn');
  if (arn !== undefined) return { type: 'policy', arn };
  const policy = v('PolicyName');
  if (policy !== undefined && action.endsWith('Policy')) return { type: 'policy', name: policy };
  const key = v('AccessKeyId');
  if (key !== undefined) return { type: 'accessKey', name: key };
  const provider = v('OpenIDConnectProviderArn');
  if (provider !== undefined) return { type: 'openIdConnectProvider', arn: provider };
  const url = v('Url');
  if (url !== undefined && action.includes('OpenIDConnectProvider'))
    return { type: 'openIdConnectProvider', name: url };
  return { type: 'caller' };
}

function parametersOf(p: URLSearchParams): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const name of KEPT) {
    const x = p.get(name);
    if (x !== null && x !== '') {
      out[name] = x.length > 512 ? `${x.slice(0, 512)}…` : x;
      any = true;
    }
  }
  for (const name of DOCUMENTS) {
    const x = p.get(name);
    if (x !== null && x !== '') {
      out[name] = documentDigest(x);
      any = true;
    }
  }
  return any ? out : undefined;
}

async function inlineDigests(
  iam: IamService,
  account: string,
  kind: 'user' | 'group' | 'role',
  name: string,
) {
  const records = await iam.policies.listInline(account, kind, name);
  return records.map((r) => ({ name: r.name, ...documentDigest(r.document) }));
}

async function attachedNames(
  iam: IamService,
  account: string,
  kind: 'user' | 'group' | 'role',
  name: string,
) {
  return (await iam.policies.listAttached(account, kind, name)).map((x) => x.name);
}

/** A cheap summary of an entity (undefined when it does not exist). */
async function summary(
  iam: IamService,
  account: string,
  t: Target,
): Promise<Record<string, unknown> | undefined> {
  try {
    switch (t.type) {
      case 'user': {
        const u = await iam.users.get(account, t.name!);
        return {
          arn: u.arn,
          status: u.status,
          // Whether the user signs with a password of its own (never the password).
          loginProfile: u.hasSecret,
          groups: (await iam.groups.forUser(account, u.name)).map((g) => g.name),
          attachedPolicies: await attachedNames(iam, account, 'user', u.name),
          inlinePolicies: await inlineDigests(iam, account, 'user', u.name),
        };
      }
      case 'group': {
        const g = await iam.groups.get(account, t.name!);
        return {
          arn: g.arn,
          status: g.status,
          members: await iam.groups.members(account, g.name),
          attachedPolicies: await attachedNames(iam, account, 'group', g.name),
          inlinePolicies: await inlineDigests(iam, account, 'group', g.name),
        };
      }
      case 'role': {
        const r = await iam.roles.get(account, t.name!);
        return {
          arn: r.arn,
          trustPolicy: documentDigest(r.trustPolicy),
          maxSessionDuration: r.maxSessionDuration,
          attachedPolicies: await attachedNames(iam, account, 'role', r.name),
          inlinePolicies: await inlineDigests(iam, account, 'role', r.name),
        };
      }
      case 'policy': {
        const name = t.name ?? iam.arns.parsePolicy(t.arn!).name;
        const p = await iam.policies.get(account, name);
        return {
          arn: p.arn,
          defaultVersion: p.defaultVersion,
          attachmentCount: p.attachmentCount,
          document: documentDigest(await iam.policies.document(account, p.name)),
        };
      }
      case 'accessKey': {
        const k = await iam.serviceAccounts.get(account, t.name!);
        return {
          status: k.status,
          ...(k.expiresAt === undefined ? {} : { expiration: new Date(k.expiresAt).toISOString() }),
          ...(k.policy === undefined ? {} : { policy: documentDigest(k.policy) }),
        };
      }
      default:
        return undefined;
    }
  } catch {
    return undefined; // absent (before a Create, after a Delete), or not readable: no summary
  }
}

/** Before the handler runs: the target and its summary (undefined for read-only actions). */
export async function probeChange(
  iam: IamService,
  account: string,
  action: string,
  params: URLSearchParams,
): Promise<ChangeProbe | undefined> {
  if (!isMutating(action)) return undefined;
  const target = targetOf(action, params);
  const before = await summary(iam, account, target);
  return { action, target, ...(before === undefined ? {} : { before }) };
}

/**
 * What the answer says that a summary cannot: the access key id a call created (CreateAccessKey,
 * never its secret), the time sessions were revoked before (RevokeSessions).
 */
function fromResult(result: XmlNode | undefined): Record<string, unknown> | undefined {
  const r = result as Record<string, unknown> | undefined;
  const node = (r?.AccessKey ?? r?.Credentials) as Record<string, unknown> | undefined;
  const id = node?.AccessKeyId;
  const revoked = r?.RevokedBefore;
  if (typeof id !== 'string' && typeof revoked !== 'string') return undefined;
  return {
    ...(typeof id === 'string' ? { accessKeyId: id } : {}),
    ...(typeof revoked === 'string' ? { revokedBefore: revoked } : {}),
  };
}

/** After the handler succeeded: the change, with the entity's summary after it. */
export async function completeChange(
  iam: IamService,
  account: string,
  probe: ChangeProbe,
  params: URLSearchParams,
  result: XmlNode | undefined,
): Promise<ChangeFact> {
  const renamed = params.get('NewUserName') ?? params.get('NewGroupName');
  const target: Target =
    renamed !== null && renamed !== '' ? { ...probe.target, name: renamed } : probe.target;
  const after = await summary(iam, account, target);
  const parameters = parametersOf(params);
  const extra = fromResult(result);
  const arn = (after?.arn ?? probe.before?.arn) as string | undefined;
  return {
    action: probe.action,
    target: arn === undefined || probe.target.arn !== undefined ? probe.target : { ...probe.target, arn },
    ...(parameters === undefined ? {} : { parameters }),
    ...(probe.before === undefined ? {} : { before: probe.before }),
    ...(after === undefined && extra === undefined ? {} : { after: { ...after, ...extra } }),
  };
}
