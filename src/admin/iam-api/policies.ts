import type { IamPolicy, IamTarget } from '../../iam/index.js';
import { type Call, collection, type Handler, policyName } from './call.js';
import { pageRequest, paginate, truncation } from './paging.js';
import { policyXml } from './xml.js';

/** The policy the PolicyArn parameter names (NoSuchEntity for another account's ARN). */
export function policyParam(call: Call): IamTarget {
  return { kind: 'policy', name: policyName(call, call.params.required('PolicyArn')) };
}

const createPolicy: Handler = async (call) => {
  const p = call.params;
  const name = p.required('PolicyName');
  const document = p.required('PolicyDocument');
  const description = p.optional('Description');
  p.rootPath('Path');
  p.unsupported('Tags', 'managed policies cannot be tagged in Tessera.');
  await call.authorize({
    action: 'iam:CreatePolicy',
    target: { kind: 'policy', name },
    admin: ['admin:CreatePolicy'],
  });
  const policy = await call.iam.policies.create(
    call.account,
    name,
    document,
    description === undefined ? {} : { description },
  );
  return { Policy: policyXml(policy) };
};

const getPolicy: Handler = async (call) => {
  const target = await call.authorize({
    action: 'iam:GetPolicy',
    target: policyParam(call),
    admin: ['admin:GetPolicy'],
  });
  return { Policy: policyXml(await call.iam.policies.get(call.account, target.name)) };
};

/** AWS semantics: DeleteConflict while attached or while it has versions besides the default. */
const deletePolicy: Handler = async (call) => {
  const target = await call.authorize({
    action: 'iam:DeletePolicy',
    target: policyParam(call),
    admin: ['admin:DeletePolicy'],
  });
  await call.iam.policies.delete(call.account, target.name);
  return undefined;
};

/**
 * ListPolicies: Scope `AWS` lists the built-ins (MinIO's canned policies, AWS-managed ARNs),
 * `Local` the account's own, `All` both (built-ins first). OnlyAttached keeps those attached to
 * some user or group. PolicyUsageFilter is accepted; every attachment is a permissions policy.
 * MinIO's ListCannedPolicies permission is admin:ListUserPolicies.
 */
const listPolicies: Handler = async (call) => {
  const p = call.params;
  const scope = p.oneOf('Scope', ['All', 'AWS', 'Local'] as const) ?? 'All';
  const onlyAttached = p.bool('OnlyAttached') ?? false;
  const prefix = p.optional('PathPrefix') ?? '/';
  p.oneOf('PolicyUsageFilter', ['PermissionsPolicy', 'PermissionsBoundary'] as const);
  const boundaries = p.optional('PolicyUsageFilter') === 'PermissionsBoundary';
  const req = pageRequest(p);
  await call.authorize({
    action: 'iam:ListPolicies',
    target: collection('*'),
    admin: ['admin:ListUserPolicies'],
  });
  const all =
    !'/'.startsWith(prefix) || boundaries
      ? []
      : await call.iam.policies.list(call.account, {
          scope: scope === 'AWS' ? 'builtin' : scope === 'Local' ? 'local' : 'all',
          onlyAttached,
        });
  const page = paginate(all, sortKey, req);
  return { Policies: { member: page.items.map(policyXml) }, ...truncation(page) };
};

/** Built-ins first, then the account's policies, each by name. */
function sortKey(p: IamPolicy): string {
  return `${p.builtin ? '0' : '1'}/${p.name}`;
}

export const policyHandlers: Record<string, Handler> = {
  CreatePolicy: createPolicy,
  GetPolicy: getPolicy,
  DeletePolicy: deletePolicy,
  ListPolicies: listPolicies,
};
