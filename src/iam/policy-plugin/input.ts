import { type Principal, unhandled } from '../../core/index.js';

/**
 * One authorization question in MinIO's format (pkg/policy Args, docs/iam/access-management-plugin.md),
 * the `input` of the plugin's request body. Keys in MinIO's order.
 */
export interface PolicyPluginInput {
  /** Who asks: the user's name (MinIO: its access key), a service account's or session's access key. */
  readonly account: string;
  /** The user's groups; null when it has none (as MinIO's Go client sends an empty list). */
  readonly groups: readonly string[] | null;
  /** e.g. `s3:GetObject`. */
  readonly action: string;
  /** The bucket of an S3 resource; '' otherwise. */
  readonly bucket: string;
  /** The condition keys without their namespace (`SourceIp`, `CurrentTime`, `prefix`), each a list. */
  readonly conditions: Readonly<Record<string, readonly string[]>>;
  /** The account root (or a root's session or service account): MinIO's owner. */
  readonly owner: boolean;
  /** The object key of an S3 object resource; '' otherwise. */
  readonly object: string;
  /** A session's claims (parent, its provider's claims, roleArn), a service account's parent. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Only an explicit deny counts (STS issuance asks so: MinIO's DenyOnly). */
  readonly denyOnly: boolean;
}

/** Condition keys that change on every request: left out of the cache key (docs/plugins.md). */
export const CLOCK_KEYS: ReadonlySet<string> = new Set(['CurrentTime', 'EpochTime', 'signatureAge']);

/** The S3 bucket and object a resource ARN names ('' for anything else). */
export function s3Target(resource: string): { bucket: string; object: string } {
  if (!resource.startsWith('arn:aws:s3:::') || resource === 'arn:aws:s3:::*')
    return { bucket: '', object: '' };
  const rest = resource.slice('arn:aws:s3:::'.length);
  const slash = rest.indexOf('/');
  return slash < 0
    ? { bucket: rest, object: '' }
    : { bucket: rest.slice(0, slash), object: rest.slice(slash + 1) };
}

/** Keys MinIO spells otherwise than Tessera's name without its namespace. */
const MINIO_NAMES: Readonly<Record<string, string>> = Object.freeze({
  PrincipalType: 'principaltype',
  userid: 'userid',
  username: 'username',
});

/** `x-amz-content-sha256` → `X-Amz-Content-Sha256`: how MinIO names header and query keys. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** MinIO's name of one condition key (its namespace dropped). */
function minioName(key: string): string {
  const colon = key.indexOf(':');
  const name = colon < 0 ? key : key.slice(colon + 1);
  const renamed = MINIO_NAMES[name];
  if (renamed !== undefined) return renamed;
  // Request headers and ListObjects' query parameters, as MinIO's sample shows them (`Prefix`).
  if (name.startsWith('x-amz-') || name === 'prefix' || name === 'delimiter' || name === 'max-keys')
    return canonical(name);
  return name;
}

/**
 * MinIO's conditions: every key without its namespace, as MinIO names it (`aws:SourceIp` →
 * `SourceIp`, `aws:PrincipalType` → `principaltype`, `s3:prefix` → `Prefix`,
 * `s3:x-amz-content-sha256` → `X-Amz-Content-Sha256`, `s3:ExistingObjectTag/k` →
 * `ExistingObjectTag/k`), values as lists; `aws:UserAgent` also as `User-Agent`, as MinIO sends
 * the header too. A name two namespaces share keeps the first one's values (the principal's aws:
 * keys come first). The Authorization header is never sent.
 */
export function minioConditions(
  context: Readonly<Record<string, string | readonly string[]>>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(context)) {
    const name = minioName(key);
    if (name === '__proto__' || Object.hasOwn(out, name)) continue;
    out[name] = typeof value === 'string' ? [value] : [...value];
    if (name === 'UserAgent' && !Object.hasOwn(out, 'User-Agent')) out['User-Agent'] = out[name]!;
  }
  return out;
}

function parentName(p: Principal): string | undefined {
  switch (p.kind) {
    case 'serviceAccount':
      return p.parent.kind === 'user' ? p.parent.name : p.name;
    case 'session':
      return p.parent.kind === 'federated' ? p.parent.userId : p.parent.name;
    case 'root':
    case 'user':
    case 'anonymous':
      return undefined;
    default:
      return unhandled(p);
  }
}

/** Whether MinIO would call the principal the owner: the root, or a key or session of root's. */
function isOwner(p: Principal): boolean {
  if (p.kind === 'root') return true;
  if (p.kind === 'serviceAccount') return p.parent.kind === 'root';
  if (p.kind === 'session') return p.parent.kind === 'root';
  return false;
}

/** The claims MinIO's plugin sees: a session's (parent, provider claims, role) or a service account's parent. */
function claimsOf(p: Principal): Record<string, unknown> {
  const parent = parentName(p);
  if (p.kind === 'session') {
    const out: Record<string, unknown> = {};
    if (p.parent.kind === 'federated') for (const [k, v] of Object.entries(p.parent.claims)) out[k] = v;
    out.accessKey = p.accessKey;
    if (parent !== undefined) out.parent = parent;
    if (p.parent.kind === 'role') out.roleArn = p.parent.arn;
    if (p.parent.kind === 'federated' && p.parent.source === 'plugin') out.roleArn = p.parent.issuer;
    return out;
  }
  if (p.kind === 'serviceAccount' && parent !== undefined) return { accessKey: p.accessKey, parent };
  return {};
}

/**
 * The plugin's input for one check: the principal, the action, the S3 bucket and object, the
 * condition keys in MinIO's form.
 * @example pluginInput(alice, 's3:GetObject', 'arn:aws:s3:::photos/a.jpg', context, false)
 */
export function pluginInput(
  p: Principal,
  action: string,
  resource: string,
  context: Readonly<Record<string, string | readonly string[]>>,
  denyOnly: boolean,
): PolicyPluginInput {
  const { bucket, object } = s3Target(resource);
  const account = p.kind === 'anonymous' ? '' : p.kind === 'user' || p.kind === 'root' ? p.name : p.accessKey;
  const groups = p.kind === 'anonymous' || p.kind === 'root' || p.groups.length === 0 ? null : [...p.groups];
  const conditions = minioConditions(context);
  // MinIO's root has a username: its access key.
  if (p.kind === 'root' && !Object.hasOwn(conditions, 'username')) conditions.username = [p.name];
  return {
    account,
    groups,
    action,
    bucket,
    conditions,
    owner: isOwner(p),
    object,
    claims: claimsOf(p),
    denyOnly,
  };
}
