import { TesseraError } from '../../core/index.js';
import { deleteConflict, noSuchEntity } from './iam-store-errors.js';
import { type PgIamDb, type PgQueries, pgLimit } from './pg-iam-db.js';
import { type PolicyRow, toPolicy } from './sqlite-iam-rows.js';
import { type IamPolicyRecord, type IamPolicyVersionRecord, iamLimits, type ListPage } from './types.js';

/** A policy row with its attachment count; append WHERE / ORDER clauses. */
const POLICY_SELECT = `SELECT p.account, p.name, p.id, p.description, p.default_version, p.created_at,
  p.updated_at, (SELECT count(*) FROM iam_attachments a WHERE a.account = p.account
  AND lower(a.policy) = lower(p.name)) AS attachments FROM iam_policies p`;
const BY_NAME = `${POLICY_SELECT} WHERE p.account = $1 AND lower(p.name) = lower($2)`;

interface VersionRow {
  version_id: string;
  document: string;
  created_at: number;
  is_default: boolean;
}

const VERSIONS = `SELECT v.version_id, v.document, v.created_at, (v.version_id = p.default_version) AS is_default
  FROM iam_policy_versions v JOIN iam_policies p ON p.account = v.account AND lower(p.name) = lower(v.policy)
  WHERE v.account = $1 AND lower(v.policy) = lower($2)`;

function toVersion(r: VersionRow): IamPolicyVersionRecord {
  return { versionId: r.version_id, document: r.document, isDefault: r.is_default, createdAt: r.created_at };
}

/** Reads a policy, or NoSuchEntity. */
async function existing(q: PgQueries, account: string, name: string): Promise<PolicyRow> {
  const row = await q.one<PolicyRow>(BY_NAME, account, name);
  if (row === undefined) throw noSuchEntity('policy', name);
  return row;
}

export function createPolicy(
  d: PgIamDb,
  p: Omit<IamPolicyRecord, 'defaultVersion' | 'attachmentCount'>,
  document: string,
): Promise<void> {
  return d.write(async (tx) => {
    if (
      await tx.one(
        'SELECT 1 FROM iam_policies WHERE account = $1 AND lower(name) = lower($2)',
        p.account,
        p.name,
      )
    ) {
      throw new TesseraError('EntityAlreadyExists', `A policy called ${p.name} already exists.`);
    }
    await tx.run(
      `INSERT INTO iam_policies (account, name, id, description, default_version, next_version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'v1', 2, $5, $6)`,
      p.account,
      p.name,
      p.id,
      p.description ?? null,
      p.createdAt,
      p.updatedAt,
    );
    await tx.run(
      `INSERT INTO iam_policy_versions (account, policy, version_id, document, created_at)
       VALUES ($1, $2, 'v1', $3, $4)`,
      p.account,
      p.name,
      document,
      p.createdAt,
    );
    await tx.change('policy', p.account, p.name);
  });
}

export async function getPolicy(
  d: PgIamDb,
  account: string,
  name: string,
): Promise<IamPolicyRecord | undefined> {
  const row = await d.one<PolicyRow>(BY_NAME, account, name);
  return row === undefined ? undefined : toPolicy(row);
}

export async function listPolicies(
  d: PgIamDb,
  account: string,
  page: ListPage & { onlyAttached?: boolean } = {},
): Promise<IamPolicyRecord[]> {
  const attached = page.onlyAttached === true ? 'WHERE attachments > 0' : '';
  const rows = await d.all<PolicyRow>(
    `SELECT * FROM (${POLICY_SELECT} WHERE p.account = $1 AND lower(p.name) > lower($2)) AS l ${attached}
     ORDER BY lower(name) LIMIT $3`,
    account,
    page.after ?? '',
    pgLimit(page.limit),
  );
  return rows.map(toPolicy);
}

async function versionCount(q: PgQueries, account: string, name: string): Promise<number> {
  const row = await q.one<{ n: number }>(
    'SELECT count(*) AS n FROM iam_policy_versions WHERE account = $1 AND lower(policy) = lower($2)',
    account,
    name,
  );
  return row?.n ?? 0;
}

export function deletePolicy(
  d: PgIamDb,
  account: string,
  name: string,
  deleteVersions: boolean,
): Promise<void> {
  return d.write(async (tx) => {
    const p = await existing(tx, account, name);
    // AWS: "you must first detach the policy from all users, groups, and roles".
    if (p.attachments > 0) throw deleteConflict('Cannot delete a policy attached to entities.');
    if ((await versionCount(tx, account, p.name)) > 1 && !deleteVersions) {
      throw deleteConflict(
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      );
    }
    await tx.run(
      'DELETE FROM iam_policy_versions WHERE account = $1 AND lower(policy) = lower($2)',
      account,
      p.name,
    );
    await tx.run('DELETE FROM iam_policies WHERE account = $1 AND name = $2', account, p.name);
    await tx.change('policy', account, p.name);
  });
}

export function createPolicyVersion(
  d: PgIamDb,
  account: string,
  name: string,
  document: string,
  setAsDefault: boolean,
  at: number,
): Promise<string> {
  return d.write(async (tx) => {
    const p = await existing(tx, account, name);
    if ((await versionCount(tx, account, p.name)) >= iamLimits.policyVersions) {
      throw new TesseraError(
        'LimitExceeded',
        `A managed policy can have up to ${iamLimits.policyVersions} versions. Before you create a new version, you must delete an existing version.`,
      );
    }
    const next = (await tx.one<{ next_version: number }>(
      'SELECT next_version FROM iam_policies WHERE account = $1 AND name = $2',
      account,
      p.name,
    ))!.next_version;
    const versionId = `v${next}`;
    await tx.run(
      `INSERT INTO iam_policy_versions (account, policy, version_id, document, created_at)
       VALUES ($1, $2, $3, $4, $5)`,
      account,
      p.name,
      versionId,
      document,
      at,
    );
    await tx.run(
      `UPDATE iam_policies SET next_version = $1, default_version = $2, updated_at = $3
       WHERE account = $4 AND name = $5`,
      next + 1,
      setAsDefault ? versionId : p.default_version,
      at,
      account,
      p.name,
    );
    await tx.change('policy', account, p.name);
    return versionId;
  });
}

export async function getPolicyVersion(
  d: PgIamDb,
  account: string,
  name: string,
  versionId: string,
): Promise<IamPolicyVersionRecord | undefined> {
  const row = await d.one<VersionRow>(`${VERSIONS} AND v.version_id = $3`, account, name, versionId);
  return row === undefined ? undefined : toVersion(row);
}

/** Newest first, as AWS lists them. */
export function listPolicyVersions(
  d: PgIamDb,
  account: string,
  name: string,
): Promise<IamPolicyVersionRecord[]> {
  return d.read(async (s) => {
    const p = await existing(s, account, name);
    const rows = await s.all<VersionRow>(
      `${VERSIONS} ORDER BY CAST(substr(v.version_id, 2) AS INTEGER) DESC`,
      account,
      p.name,
    );
    return rows.map(toVersion);
  });
}

async function versionExists(q: PgQueries, account: string, name: string, versionId: string): Promise<void> {
  const row = await q.one(
    'SELECT 1 FROM iam_policy_versions WHERE account = $1 AND lower(policy) = lower($2) AND version_id = $3',
    account,
    name,
    versionId,
  );
  if (row === undefined) throw noSuchEntity('policy version', `${versionId} of ${name}`);
}

export function setDefaultPolicyVersion(
  d: PgIamDb,
  account: string,
  name: string,
  versionId: string,
  at: number,
): Promise<void> {
  return d.write(async (tx) => {
    const p = await existing(tx, account, name);
    await versionExists(tx, account, p.name, versionId);
    await tx.run(
      'UPDATE iam_policies SET default_version = $1, updated_at = $2 WHERE account = $3 AND name = $4',
      versionId,
      at,
      account,
      p.name,
    );
    await tx.change('policy', account, p.name);
  });
}

export function deletePolicyVersion(
  d: PgIamDb,
  account: string,
  name: string,
  versionId: string,
): Promise<void> {
  return d.write(async (tx) => {
    const p = await existing(tx, account, name);
    await versionExists(tx, account, p.name, versionId);
    if (p.default_version === versionId)
      throw deleteConflict('Cannot delete the default version of a policy.');
    await tx.run(
      'DELETE FROM iam_policy_versions WHERE account = $1 AND lower(policy) = lower($2) AND version_id = $3',
      account,
      p.name,
      versionId,
    );
    await tx.change('policy', account, p.name);
  });
}
