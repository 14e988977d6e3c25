import { TesseraError } from '../../core/index.js';
import { noSuchEntity } from './iam-store-errors.js';
import type { PgIamDb, PgQueries } from './pg-iam-db.js';
import { groupsOf } from './pg-iam-groups.js';
import { toUser, type UserRow } from './sqlite-iam-rows.js';
import {
  type IamEntityKind,
  type IamInlinePolicyRecord,
  type IdentitySnapshot,
  iamLimits,
  type PolicyEntities,
} from './types.js';

const OF_ENTITY = 'account = $1 AND entity_kind = $2 AND lower(entity) = lower($3)';

export function attachPolicy(
  d: PgIamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
  policy: string,
  builtin: boolean,
): Promise<void> {
  return d.write(async (tx) => {
    const e = await tx.entity(account, kind, entity);
    let name = policy;
    if (!builtin) {
      const row = await tx.one<{ name: string }>(
        'SELECT name FROM iam_policies WHERE account = $1 AND lower(name) = lower($2)',
        account,
        policy,
      );
      if (row === undefined) throw noSuchEntity('policy', policy);
      name = row.name;
    }
    if (
      await tx.one(
        `SELECT 1 FROM iam_attachments WHERE ${OF_ENTITY} AND lower(policy) = lower($4)`,
        account,
        kind,
        e,
        name,
      )
    ) {
      return;
    }
    const count = (await tx.one<{ n: number }>(
      `SELECT count(*) AS n FROM iam_attachments WHERE ${OF_ENTITY}`,
      account,
      kind,
      e,
    ))!.n;
    if (count >= iamLimits.attachments) {
      throw new TesseraError(
        'LimitExceeded',
        `Cannot exceed quota for PoliciesPerEntity: ${iamLimits.attachments}.`,
      );
    }
    await tx.run(
      'INSERT INTO iam_attachments (account, entity_kind, entity, policy) VALUES ($1, $2, $3, $4)',
      account,
      kind,
      e,
      name,
    );
    await tx.change(kind, account, e);
  });
}

export function detachPolicy(
  d: PgIamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
  policy: string,
): Promise<void> {
  return d.write(async (tx) => {
    const e = await tx.entity(account, kind, entity);
    const n = await tx.run(
      `DELETE FROM iam_attachments WHERE ${OF_ENTITY} AND lower(policy) = lower($4)`,
      account,
      kind,
      e,
      policy,
    );
    if (n === 0) throw noSuchEntity('policy', `${policy} attached to ${kind} ${e}`);
    await tx.change(kind, account, e);
  });
}

async function attachedTo(
  q: PgQueries,
  account: string,
  kind: IamEntityKind,
  entity: string,
): Promise<string[]> {
  const rows = await q.all<{ policy: string }>(
    `SELECT policy FROM iam_attachments WHERE ${OF_ENTITY} ORDER BY lower(policy)`,
    account,
    kind,
    entity,
  );
  return rows.map((r) => r.policy);
}

export function listAttachedPolicies(
  d: PgIamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
): Promise<string[]> {
  return d.read(async (s) => attachedTo(s, account, kind, await s.entity(account, kind, entity)));
}

export async function listEntitiesForPolicy(
  d: PgIamDb,
  account: string,
  policy: string,
): Promise<PolicyEntities> {
  const rows = await d.all<{ entity_kind: IamEntityKind; entity: string }>(
    `SELECT entity_kind, entity FROM iam_attachments WHERE account = $1 AND lower(policy) = lower($2)
     ORDER BY lower(entity)`,
    account,
    policy,
  );
  const of = (kind: IamEntityKind) => rows.filter((r) => r.entity_kind === kind).map((r) => r.entity);
  const roles = of('role');
  return { users: of('user'), groups: of('group'), ...(roles.length > 0 ? { roles } : {}) };
}

export function putInlinePolicy(
  d: PgIamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
  name: string,
  document: string,
): Promise<void> {
  return d.write(async (tx) => {
    const e = await tx.entity(account, kind, entity);
    // Replaces the document of the same name in any case, keeping its first spelling (SQLite's
    // ON CONFLICT on a NOCASE key); writers are serialized, so update-then-insert cannot race.
    const updated = await tx.run(
      `UPDATE iam_inline_policies SET document = $5 WHERE ${OF_ENTITY} AND lower(name) = lower($4)`,
      account,
      kind,
      e,
      name,
      document,
    );
    if (updated === 0) {
      await tx.run(
        `INSERT INTO iam_inline_policies (account, entity_kind, entity, name, document)
         VALUES ($1, $2, $3, $4, $5)`,
        account,
        kind,
        e,
        name,
        document,
      );
    }
    await tx.change(kind, account, e);
  });
}

const INLINE = `SELECT name, document FROM iam_inline_policies WHERE ${OF_ENTITY}`;

export async function getInlinePolicy(
  d: PgIamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
  name: string,
): Promise<string | undefined> {
  const row = await d.one<IamInlinePolicyRecord>(
    `${INLINE} AND lower(name) = lower($4)`,
    account,
    kind,
    entity,
    name,
  );
  return row?.document;
}

function inlineOf(q: PgQueries, account: string, kind: IamEntityKind, entity: string) {
  return q.all<IamInlinePolicyRecord>(`${INLINE} ORDER BY lower(name)`, account, kind, entity);
}

export function listInlinePolicies(
  d: PgIamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
): Promise<IamInlinePolicyRecord[]> {
  return d.read(async (s) => inlineOf(s, account, kind, await s.entity(account, kind, entity)));
}

export function deleteInlinePolicy(
  d: PgIamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
  name: string,
): Promise<void> {
  return d.write(async (tx) => {
    const e = await tx.entity(account, kind, entity);
    const n = await tx.run(
      `DELETE FROM iam_inline_policies WHERE ${OF_ENTITY} AND lower(name) = lower($4)`,
      account,
      kind,
      e,
      name,
    );
    if (n === 0) throw noSuchEntity('policy', name);
    await tx.change(kind, account, e);
  });
}

/** The default-version documents of the named policies that exist (built-ins do not). */
export async function defaultDocuments(
  q: PgQueries,
  account: string,
  names: Iterable<string>,
): Promise<Record<string, string>> {
  const documents: Record<string, string> = {};
  for (const name of names) {
    const doc = await q.one<{ document: string }>(
      `SELECT v.document FROM iam_policies p JOIN iam_policy_versions v
       ON v.account = p.account AND lower(v.policy) = lower(p.name) AND v.version_id = p.default_version
       WHERE p.account = $1 AND lower(p.name) = lower($2)`,
      account,
      name,
    );
    if (doc !== undefined) documents[name] = doc.document;
  }
  return documents;
}

/** Everything that decides a user's identity policies, read in one snapshot. */
export function identitySnapshot(
  d: PgIamDb,
  account: string,
  user: string,
): Promise<IdentitySnapshot | undefined> {
  return d.read(async (s) => {
    const row = await s.one<UserRow>(
      'SELECT * FROM iam_users WHERE account = $1 AND lower(name) = lower($2)',
      account,
      user,
    );
    if (row === undefined) return undefined;
    const u = toUser(row);
    const groups = await groupsOf(s, account, u.name);
    const snapshot: IdentitySnapshot = {
      user: u,
      groups,
      attached: { user: await attachedTo(s, account, 'user', u.name), groups: {} },
      inline: { user: await inlineOf(s, account, 'user', u.name), groups: {} },
      documents: {},
    };
    for (const g of groups) {
      snapshot.attached.groups[g.name] = await attachedTo(s, account, 'group', g.name);
      snapshot.inline.groups[g.name] = await inlineOf(s, account, 'group', g.name);
    }
    const names = new Set([snapshot.attached.user, ...Object.values(snapshot.attached.groups)].flat());
    snapshot.documents = await defaultDocuments(s, account, names);
    return snapshot;
  });
}
