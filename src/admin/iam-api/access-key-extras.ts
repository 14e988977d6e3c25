import { TesseraError, type XmlNode } from '../../core/index.js';
import type { CreateServiceAccountInput, IamServiceAccount, ServiceAccountUpdate } from '../../iam/index.js';
import type { Params } from './params.js';
import { encodeDocument, isoDate } from './xml.js';

/**
 * Tessera's extension of CreateAccessKey / UpdateAccessKey (docs/iam.md "Access keys are service
 * accounts"): the service-account fields as extra form parameters.
 *
 * | parameter | Create | Update |
 * |---|---|---|
 * | `Policy` | embedded policy JSON | replaces it; `Policy=` (empty) removes it |
 * | `Expiration` | ISO-8601 time | replaces it; empty removes it |
 * | `Name`, `Description` | set | replace; empty removes |
 * | `AccessKeyId`, `SecretAccessKey` | chosen instead of generated | `SecretAccessKey` replaces the secret |
 */
export type CreateExtras = Omit<CreateServiceAccountInput, 'parent'>;

/** Access key status as AWS names it: enabled ↔ Active, disabled ↔ Inactive, past its expiry → Expired. */
export function keyStatus(sa: IamServiceAccount, now: number): 'Active' | 'Inactive' | 'Expired' {
  if (sa.expiresAt !== undefined && now >= sa.expiresAt) return 'Expired';
  return sa.status === 'enabled' ? 'Active' : 'Inactive';
}

/** `Expiration`: an ISO-8601 time (`2030-01-01T00:00:00Z`); InvalidInput when it does not parse. */
function parseExpiration(value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new TesseraError(
      'InvalidInput',
      `Expiration ${JSON.stringify(value.slice(0, 40))} is not an ISO-8601 time.`,
    );
  }
  return ms;
}

/** The extras of CreateAccessKey; empty values count as absent. */
export function createExtras(p: Params): CreateExtras {
  const out: CreateExtras = {};
  const policy = p.optional('Policy');
  const expiration = p.optional('Expiration');
  const name = p.optional('Name');
  const description = p.optional('Description');
  const accessKey = p.optional('AccessKeyId');
  const secretKey = p.optional('SecretAccessKey');
  if (policy !== undefined) out.policy = policy;
  if (expiration !== undefined) out.expiresAt = parseExpiration(expiration);
  if (name !== undefined) out.name = name;
  if (description !== undefined) out.description = description;
  if (accessKey !== undefined) out.accessKey = accessKey;
  if (secretKey !== undefined) out.secretKey = secretKey;
  return out;
}

/** The extras of UpdateAccessKey: a present but empty `Policy` / `Expiration` / `Name` / `Description` removes it. */
export function updateExtras(p: Params): ServiceAccountUpdate {
  const out: ServiceAccountUpdate = {};
  const policy = p.present('Policy');
  const expiration = p.present('Expiration');
  const name = p.present('Name');
  const description = p.present('Description');
  if (policy !== undefined) out.policy = policy === '' ? null : policy;
  if (expiration !== undefined) out.expiresAt = expiration === '' ? null : parseExpiration(expiration);
  if (name !== undefined) out.name = name === '' ? null : name;
  if (description !== undefined) out.description = description === '' ? null : description;
  const secretKey = p.optional('SecretAccessKey');
  if (secretKey !== undefined) out.secretKey = secretKey;
  return out;
}

/** The extra elements of an access key in CreateAccessKey / ListAccessKeys (only those set). */
export function extraXml(sa: IamServiceAccount): XmlNode {
  const node: XmlNode = {};
  if (sa.name !== undefined) node['Name'] = sa.name;
  if (sa.description !== undefined) node['Description'] = sa.description;
  if (sa.expiresAt !== undefined) node['Expiration'] = isoDate(sa.expiresAt);
  return node;
}

/** GetAccessKeyInfo's result: everything but the secret; the policy URL-encoded as AWS encodes documents. */
export function keyInfoXml(sa: IamServiceAccount, parentArn: string, now: number): XmlNode {
  const node: XmlNode = { AccessKeyId: sa.accessKey };
  if (sa.parent.type === 'user') node['UserName'] = sa.parent.name;
  node['ParentArn'] = parentArn;
  node['Status'] = keyStatus(sa, now);
  Object.assign(node, extraXml(sa));
  if (sa.policy !== undefined) node['Policy'] = encodeDocument(sa.policy);
  node['CreateDate'] = isoDate(sa.createdAt);
  node['UpdateDate'] = isoDate(sa.updatedAt);
  return node;
}
