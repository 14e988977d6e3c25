import { TesseraError } from '../../core/index.js';
import type { IamDb } from './sqlite-iam-db.js';
import { noSuchEntity } from './sqlite-iam-db.js';
import { groupsOf } from './sqlite-iam-groups.js';
import { toUser, type UserRow } from './sqlite-iam-rows.js';
import {
  type IamEntityKind,
  type IamInlinePolicyRecord,
  type IdentitySnapshot,
  iamLimits,
  type PolicyEntities,
} from './types.js';

/** A user change evicts one principal; a group change may affect many (docs/architecture.md). */
function touch(d: IamDb, account: string, kind: IamEntityKind, entity: string): void {
  d.change(kind, account, entity);
}

export function attachPolicy(
  d: IamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
  policy: string,
  builtin: boolean,
): void {
  d.write(() => {
    const e = d.entity(account, kind, entity);
    let name = policy;
    if (!builtin) {
      const row = d.one<{ name: string }>(
        'SELECT name FROM iam_policies WHERE account = ? AND name = ?',
        account,
        policy,
      );
      if (row === undefined) throw noSuchEntity('policy', policy);
      name = row.name;
    }
    const params = [account, kind, e, name] as const;
    if (
      d.one(
        'SELECT 1 FROM iam_attachments WHERE account = ? AND entity_kind = ? AND entity = ? AND policy = ?',
        ...params,
      )
    ) {
      return;
    }
    const count = d.one<{ n: number }>(
      'SELECT count(*) AS n FROM iam_attachments WHERE account = ? AND entity_kind = ? AND entity = ?',
      account,
      kind,
      e,
    )!.n;
    if (count >= iamLimits.attachments) {
      throw new TesseraError(
        'LimitExceeded',
        `Cannot exceed quota for PoliciesPerEntity: ${iamLimits.attachments}.`,
      );
    }
    d.run(
      'INSERT INTO iam_attachments (account, entity_kind, entity, policy) VALUES (?, ?, ?, ?)',
      ...params,
    );
    touch(d, account, kind, e);
  });
}

export function detachPolicy(
  d: IamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
  policy: string,
): void {
  d.write(() => {
    const e = d.entity(account, kind, entity);
    const n = d.run(
      'DELETE FROM iam_attachments WHERE account = ? AND entity_kind = ? AND entity = ? AND policy = ?',
      account,
      kind,
      e,
      policy,
    );
    if (n === 0) throw noSuchEntity('policy', `${policy} attached to ${kind} ${e}`);
    touch(d, account, kind, e);
  });
}

function attachedTo(d: IamDb, account: string, kind: IamEntityKind, entity: string): string[] {
  return d
    .all<{ policy: string }>(
      'SELECT policy FROM iam_attachments WHERE account = ? AND entity_kind = ? AND entity = ? ORDER BY policy',
      account,
      kind,
      entity,
    )
    .map((r) => r.policy);
}

export function listAttachedPolicies(
  d: IamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
): string[] {
  return d.read(() => attachedTo(d, account, kind, d.entity(account, kind, entity)));
}

export function listEntitiesForPolicy(d: IamDb, account: string, policy: string): PolicyEntities {
  return d.read(() => {
    const rows = d.all<{ entity_kind: IamEntityKind; entity: string }>(
      'SELECT entity_kind, entity FROM iam_attachments WHERE account = ? AND policy = ? ORDER BY entity',
      account,
      policy,
    );
    const of = (kind: IamEntityKind) => rows.filter((r) => r.entity_kind === kind).map((r) => r.entity);
    const roles = of('role');
    return { users: of('user'), groups: of('group'), ...(roles.length > 0 ? { roles } : {}) };
  });
}

export function putInlinePolicy(
  d: IamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
  name: string,
  document: string,
): void {
  d.write(() => {
    const e = d.entity(account, kind, entity);
    d.run(
      `INSERT INTO iam_inline_policies (account, entity_kind, entity, name, document) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account, entity_kind, entity, name) DO UPDATE SET document = excluded.document`,
      account,
      kind,
      e,
      name,
      document,
    );
    touch(d, account, kind, e);
  });
}

const INLINE =
  'SELECT name, document FROM iam_inline_policies WHERE account = ? AND entity_kind = ? AND entity = ?';

export function getInlinePolicy(
  d: IamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
  name: string,
): string | undefined {
  return d.guard(
    () => d.one<IamInlinePolicyRecord>(`${INLINE} AND name = ?`, account, kind, entity, name)?.document,
  );
}

export function listInlinePolicies(
  d: IamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
): IamInlinePolicyRecord[] {
  return d.read(() =>
    d.all<IamInlinePolicyRecord>(`${INLINE} ORDER BY name`, account, kind, d.entity(account, kind, entity)),
  );
}

export function deleteInlinePolicy(
  d: IamDb,
  account: string,
  kind: IamEntityKind,
  entity: string,
  name: string,
): void {
  d.write(() => {
    const e = d.entity(account, kind, entity);
    const n = d.run(
      'DELETE FROM iam_inline_policies WHERE account = ? AND entity_kind = ? AND entity = ? AND name = ?',
      account,
      kind,
      e,
      name,
    );
    if (n === 0) throw noSuchEntity('policy', name);
    touch(d, account, kind, e);
  });
}

/** Everything that decides a user's identity policies, read in one snapshot. */
export function identitySnapshot(d: IamDb, account: string, user: string): IdentitySnapshot | undefined {
  return d.read(() => {
    const row = d.one<UserRow>('SELECT * FROM iam_users WHERE account = ? AND name = ?', account, user);
    if (row === undefined) return undefined;
    const u = toUser(row);
    const groups = groupsOf(d, account, u.name);
    const snapshot: IdentitySnapshot = {
      user: u,
      groups,
      attached: { user: attachedTo(d, account, 'user', u.name), groups: {} },
      inline: {
        user: d.all<IamInlinePolicyRecord>(`${INLINE} ORDER BY name`, account, 'user', u.name),
        groups: {},
      },
      documents: {},
    };
    for (const g of groups) {
      snapshot.attached.groups[g.name] = attachedTo(d, account, 'group', g.name);
      snapshot.inline.groups[g.name] = d.all<IamInlinePolicyRecord>(
        `${INLINE} ORDER BY name`,
        account,
        'group',
        g.name,
      );
    }
    const names = new Set([snapshot.attached.user, ...Object.values(snapshot.attached.groups)].flat());
    for (const name of names) {
      const doc = d.one<{ document: string }>(
        `SELECT v.document FROM iam_policies p JOIN iam_policy_versions v
         ON v.account = p.account AND v.policy = p.name AND v.version_id = p.default_version
         WHERE p.account = ? AND p.name = ?`,
        account,
        name,
      );
      if (doc !== undefined) snapshot.documents[name] = doc.document;
    }
    return snapshot;
  });
}
