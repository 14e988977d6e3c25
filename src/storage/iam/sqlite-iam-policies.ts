import { TesseraError } from '../../core/index.js';
import { deleteConflict, type IamDb, limitOf, noSuchEntity } from './sqlite-iam-db.js';
import { POLICY_SELECT, type PolicyRow, toPolicy } from './sqlite-iam-rows.js';
import { type IamPolicyRecord, type IamPolicyVersionRecord, iamLimits, type ListPage } from './types.js';

interface VersionRow {
  version_id: string;
  document: string;
  created_at: number;
  is_default: number;
}

const VERSIONS = `SELECT v.version_id, v.document, v.created_at, (v.version_id = p.default_version) AS is_default
  FROM iam_policy_versions v JOIN iam_policies p ON p.account = v.account AND p.name = v.policy
  WHERE v.account = ? AND v.policy = ?`;

function toVersion(r: VersionRow): IamPolicyVersionRecord {
  return {
    versionId: r.version_id,
    document: r.document,
    isDefault: r.is_default === 1,
    createdAt: r.created_at,
  };
}

/** Reads a policy inside a transaction, or NoSuchEntity. */
function existing(d: IamDb, account: string, name: string): PolicyRow {
  const row = d.one<PolicyRow>(`${POLICY_SELECT} WHERE p.account = ? AND p.name = ?`, account, name);
  if (row === undefined) throw noSuchEntity('policy', name);
  return row;
}

export function createPolicy(
  d: IamDb,
  p: Omit<IamPolicyRecord, 'defaultVersion' | 'attachmentCount'>,
  document: string,
): void {
  d.write(() => {
    if (d.one('SELECT 1 FROM iam_policies WHERE account = ? AND name = ?', p.account, p.name)) {
      throw new TesseraError('EntityAlreadyExists', `A policy called ${p.name} already exists.`);
    }
    d.run(
      `INSERT INTO iam_policies (account, name, id, description, default_version, next_version, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'v1', 2, ?, ?)`,
      p.account,
      p.name,
      p.id,
      p.description ?? null,
      p.createdAt,
      p.updatedAt,
    );
    d.run(
      'INSERT INTO iam_policy_versions (account, policy, version_id, document, created_at) VALUES (?, ?, ?, ?, ?)',
      p.account,
      p.name,
      'v1',
      document,
      p.createdAt,
    );
    d.change('policy', p.account, p.name);
  });
}

export function getPolicy(d: IamDb, account: string, name: string): IamPolicyRecord | undefined {
  const row = d.guard(() =>
    d.one<PolicyRow>(`${POLICY_SELECT} WHERE p.account = ? AND p.name = ?`, account, name),
  );
  return row === undefined ? undefined : toPolicy(row);
}

export function listPolicies(
  d: IamDb,
  account: string,
  page: ListPage & { onlyAttached?: boolean } = {},
): IamPolicyRecord[] {
  const attached = page.onlyAttached === true ? 'AND attachments > 0' : '';
  return d
    .guard(() =>
      d.all<PolicyRow>(
        `SELECT * FROM (${POLICY_SELECT} WHERE p.account = ? AND p.name > ?) WHERE 1 ${attached}
         ORDER BY name COLLATE NOCASE LIMIT ?`,
        account,
        page.after ?? '',
        limitOf(page.limit),
      ),
    )
    .map(toPolicy);
}

export function deletePolicy(d: IamDb, account: string, name: string, deleteVersions: boolean): void {
  d.write(() => {
    const p = existing(d, account, name);
    // AWS: "you must first detach the policy from all users, groups, and roles".
    if (p.attachments > 0) throw deleteConflict('Cannot delete a policy attached to entities.');
    const versions = d.one<{ n: number }>(
      'SELECT count(*) AS n FROM iam_policy_versions WHERE account = ? AND policy = ?',
      account,
      p.name,
    )!.n;
    if (versions > 1 && !deleteVersions) {
      throw deleteConflict(
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      );
    }
    d.run('DELETE FROM iam_policy_versions WHERE account = ? AND policy = ?', account, p.name);
    d.run('DELETE FROM iam_policies WHERE account = ? AND name = ?', account, p.name);
    d.change('policy', account, p.name);
  });
}

export function createPolicyVersion(
  d: IamDb,
  account: string,
  name: string,
  document: string,
  setAsDefault: boolean,
  at: number,
): string {
  return d.write(() => {
    const p = existing(d, account, name);
    const count = d.one<{ n: number }>(
      'SELECT count(*) AS n FROM iam_policy_versions WHERE account = ? AND policy = ?',
      account,
      p.name,
    )!.n;
    if (count >= iamLimits.policyVersions) {
      throw new TesseraError(
        'LimitExceeded',
        `A managed policy can have up to ${iamLimits.policyVersions} versions. Before you create a new version, you must delete an existing version.`,
      );
    }
    const next = d.one<{ next_version: number }>(
      'SELECT next_version FROM iam_policies WHERE account = ? AND name = ?',
      account,
      p.name,
    )!.next_version;
    const versionId = `v${next}`;
    d.run(
      'INSERT INTO iam_policy_versions (account, policy, version_id, document, created_at) VALUES (?, ?, ?, ?, ?)',
      account,
      p.name,
      versionId,
      document,
      at,
    );
    d.run(
      'UPDATE iam_policies SET next_version = ?, default_version = ?, updated_at = ? WHERE account = ? AND name = ?',
      next + 1,
      setAsDefault ? versionId : p.default_version,
      at,
      account,
      p.name,
    );
    d.change('policy', account, p.name);
    return versionId;
  });
}

export function getPolicyVersion(
  d: IamDb,
  account: string,
  name: string,
  versionId: string,
): IamPolicyVersionRecord | undefined {
  const row = d.guard(() => d.one<VersionRow>(`${VERSIONS} AND v.version_id = ?`, account, name, versionId));
  return row === undefined ? undefined : toVersion(row);
}

/** Newest first, as AWS lists them. */
export function listPolicyVersions(d: IamDb, account: string, name: string): IamPolicyVersionRecord[] {
  return d.read(() => {
    const p = existing(d, account, name);
    return d
      .all<VersionRow>(`${VERSIONS} ORDER BY CAST(substr(v.version_id, 2) AS INTEGER) DESC`, account, p.name)
      .map(toVersion);
  });
}

function versionExists(d: IamDb, account: string, name: string, versionId: string): void {
  const row = d.one(
    'SELECT 1 FROM iam_policy_versions WHERE account = ? AND policy = ? AND version_id = ?',
    account,
    name,
    versionId,
  );
  if (row === undefined) throw noSuchEntity('policy version', `${versionId} of ${name}`);
}

export function setDefaultPolicyVersion(
  d: IamDb,
  account: string,
  name: string,
  versionId: string,
  at: number,
): void {
  d.write(() => {
    const p = existing(d, account, name);
    versionExists(d, account, p.name, versionId);
    d.run(
      'UPDATE iam_policies SET default_version = ?, updated_at = ? WHERE account = ? AND name = ?',
      versionId,
      at,
      account,
      p.name,
    );
    d.change('policy', account, p.name);
  });
}

export function deletePolicyVersion(d: IamDb, account: string, name: string, versionId: string): void {
  d.write(() => {
    const p = existing(d, account, name);
    versionExists(d, account, p.name, versionId);
    if (p.default_version === versionId)
      throw deleteConflict('Cannot delete the default version of a policy.');
    d.run(
      'DELETE FROM iam_policy_versions WHERE account = ? AND policy = ? AND version_id = ?',
      account,
      p.name,
      versionId,
    );
    d.change('policy', account, p.name);
  });
}
