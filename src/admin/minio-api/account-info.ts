import type { Principal } from '../../core/index.js';
import { type Call, type Handler, json } from './call.js';

/** MinIO's policy.Admin: what root's account info shows as its policy. */
const ROOT_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['admin:*'] },
    { Effect: 'Allow', Action: ['kms:*'] },
    { Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] },
  ],
};

/** MinIO's AccountName: the user; a service account's or a session's parent user. */
function accountName(p: Principal): string {
  if (p.kind === 'anonymous') return '';
  if (p.kind === 'root') return p.name;
  if (p.kind === 'session' && (p.parent.kind === 'federated' || p.parent.kind === 'role'))
    return p.parent.name;
  return p.name;
}

/**
 * The effective policy as one document: root's is MinIO's admin policy; a service account with
 * an embedded policy shows that one, otherwise (and for users and sessions) the statements of
 * every identity policy (attached, inline, groups').
 */
async function effectivePolicy(call: Call): Promise<unknown> {
  const p = call.principal;
  if (p.kind === 'root') return ROOT_POLICY;
  const sets = await call.iam.policySetsFor(p);
  const policies = sets.serviceAccount ?? sets.identity ?? [];
  return { Version: '2012-10-17', Statement: policies.flatMap((c) => c.document.Statement) };
}

/**
 * MinIO's `accountinfo` (madmin.AccountInfo; every authenticated caller, no admin action): the
 * caller's name, effective policy and the buckets of its account it may read (s3:GetObject) or
 * write (s3:PutObject) — decided by the Authorizer, bucket policies included, as MinIO lists
 * only buckets with some access. Sizes and object counts are not kept (0).
 */
export const accountInfo: Handler = async (call: Call) => {
  const { server: facts, authorizer, principal: p } = call;
  const base = authorizer.context(p, call.req.context);
  const buckets = facts === undefined ? [] : await facts.buckets(call.account);
  const out = [];
  for (const b of buckets) {
    const resource = `arn:aws:s3:::${b.name}/*`;
    const may = async (action: string) =>
      p.kind === 'root' || (await authorizer.allowed(p, { action, resource }, base));
    const access = { read: await may('s3:GetObject'), write: await may('s3:PutObject') };
    if (!access.read && !access.write) continue;
    out.push({
      name: b.name,
      size: 0,
      objects: 0,
      objectHistogram: {},
      details: null,
      prefixUsage: {},
      created: new Date(b.createdAt).toISOString(),
      access,
    });
  }
  return json({
    AccountName: accountName(p),
    Server: { Type: 1 },
    Policy: await effectivePolicy(call),
    Buckets: out,
  });
};
