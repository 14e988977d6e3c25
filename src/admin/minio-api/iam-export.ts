import { TesseraError } from '../../core/index.js';
import type { ServiceAccountParent } from '../../iam/index.js';
import { type Call, collection, type Handler, minio } from './call.js';
import { readZip, writeZip, type ZipEntry } from './zip.js';

/**
 * MinIO's export-iam / import-iam (cmd/admin-handlers-users.go): a zip of JSON files under
 * `iam-assets/`, so an export from MinIO imports into Tessera and the other way round.
 */
const DIR = 'iam-assets';
const FILES = {
  policies: 'policies.json',
  users: 'users.json',
  groups: 'groups.json',
  svcaccts: 'svcaccts.json',
  userMappings: 'user_mappings.json',
  groupMappings: 'group_mappings.json',
  stsUserMappings: 'stsuser_mappings.json',
  stsGroupMappings: 'stsgroup_mappings.json',
} as const;

/** The largest archive import-iam reads (MinIO reads the whole body too). */
export const MAX_IAM_ARCHIVE = 16 * 1024 * 1024;

type Json = Record<string, unknown>;

/** MinIO's MappedPolicy: the policies comma-joined. */
const mapped = (policies: readonly string[], at: number) => ({
  version: 1,
  policy: policies.join(','),
  updatedAt: new Date(at).toISOString(),
});

/** The parent as MinIO names it: a user, or the root access key (the caller's, when root). */
function parentName(call: Call, p: ServiceAccountParent): string {
  if (p.type === 'user') return p.name;
  return call.principal.kind === 'root' ? call.principal.name : 'root';
}

/**
 * GET export-iam (admin:ExportIAM): the account's own policies (built-ins exist everywhere),
 * users with their secrets and status, groups, service accounts with their secrets, and the
 * user, group and LDAP (sts) policy mappings — secrets in clear, as MinIO's archive has them.
 */
export const exportIam: Handler = async (call) => {
  await call.authorize({ action: 'admin:ExportIAM', target: collection('*'), admin: [] });
  const { iam, account } = call;
  const now = Date.now();
  const policies: Json = {};
  for (const p of await iam.policies.list(account, { scope: 'local' }))
    policies[p.name] = JSON.parse(await iam.policies.document(account, p.name)) as unknown;
  const users: Json = {};
  const userMappings: Json = {};
  for (const u of await iam.users.list(account)) {
    const secretKey = await iam.users.exportSecret(account, u.name);
    users[u.name] = { secretKey: secretKey ?? '', status: u.status };
    const attached = await iam.policies.listAttached(account, 'user', u.name);
    if (attached.length > 0)
      userMappings[u.name] = mapped(
        attached.map((p) => p.name),
        u.updatedAt,
      );
  }
  const groups: Json = {};
  const groupMappings: Json = {};
  for (const g of await iam.groups.list(account)) {
    groups[g.name] = {
      version: 1,
      status: g.status,
      members: await iam.groups.members(account, g.name),
      updatedAt: new Date(g.updatedAt ?? now).toISOString(),
    };
    const attached = await iam.policies.listAttached(account, 'group', g.name);
    if (attached.length > 0)
      groupMappings[g.name] = mapped(
        attached.map((p) => p.name),
        now,
      );
  }
  const svcaccts: Json = {};
  for (const sa of await iam.serviceAccounts.list(account)) {
    const parent = parentName(call, sa.parent);
    svcaccts[sa.accessKey] = {
      parent,
      accessKey: sa.accessKey,
      secretKey: await iam.serviceAccounts.exportSecret(account, sa.accessKey),
      groups: null,
      claims: { parent, accessKey: sa.accessKey },
      sessionPolicy: sa.policy === undefined ? null : (JSON.parse(sa.policy) as unknown),
      status: sa.status === 'enabled' ? 'on' : 'off',
      ...(sa.name === undefined ? {} : { name: sa.name }),
      ...(sa.description === undefined ? {} : { description: sa.description }),
      ...(sa.expiresAt === undefined ? {} : { expiration: new Date(sa.expiresAt).toISOString() }),
    };
  }
  const ldap = account === '' ? await iam.ldap.entities('', {}) : undefined;
  const stsUsers: Json = {};
  const stsGroups: Json = {};
  for (const m of ldap?.userMappings ?? []) stsUsers[m.user] = mapped(m.policies, now);
  for (const m of ldap?.groupMappings ?? []) stsGroups[m.group] = mapped(m.policies, now);
  const file = (name: string, value: unknown): ZipEntry => ({
    name: `${DIR}/${name}`,
    data: Buffer.from(JSON.stringify(value)),
  });
  const zip = writeZip([
    file(FILES.policies, policies),
    file(FILES.users, users),
    file(FILES.groups, groups),
    file(FILES.svcaccts, svcaccts),
    file(FILES.userMappings, userMappings),
    file(FILES.groupMappings, groupMappings),
    file(FILES.stsUserMappings, stsUsers),
    file(FILES.stsGroupMappings, stsGroups),
  ]);
  return {
    status: 200,
    body: zip,
    contentType: 'application/zip',
    change: { action: 'ExportIAM', target: { type: 'iam', name: account === '' ? 'default' : account } },
  };
};

/** A file of the archive parsed as a JSON object (absent: undefined); XMinioAdminConfigBadJSON. */
function objectFile(entries: readonly ZipEntry[], name: string): Json | undefined {
  const e = entries.find((x) => x.name === `${DIR}/${name}`);
  if (e === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(e.data.toString('utf8'));
  } catch {
    throw new TesseraError('XMinioAdminConfigBadJSON', `${name} is not JSON.`);
  }
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw new TesseraError('XMinioAdminConfigBadJSON', `${name} is not a JSON object.`);
  return v as Json;
}

function field(o: unknown, name: string): unknown {
  return typeof o === 'object' && o !== null ? (o as Json)[name] : undefined;
}
function text(o: unknown, name: string): string {
  const v = field(o, name);
  return typeof v === 'string' ? v : '';
}
/** MinIO's MappedPolicy.policy (comma-joined; newer exports may use an array). */
function policyList(o: unknown): string[] {
  const v = field(o, 'policy');
  const all = Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : String(v ?? '').split(',');
  return all.map((s) => s.trim()).filter((s) => s !== '');
}

/** Runs one entity's import; a failure names the file and the entity, as MinIO's importError. */
async function step(file: string, entity: string, f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (e instanceof TesseraError) {
      const code = e.code;
      throw new TesseraError(code, `importing ${file} for ${entity.slice(0, 200)}: ${e.message}`);
    }
    throw e;
  }
}

/** Makes `entity`'s attached policies exactly `wanted` (MinIO's PolicyDBSet). */
async function setPolicies(call: Call, kind: 'user' | 'group', entity: string, wanted: string[]) {
  const current = (await call.iam.policies.listAttached(call.account, kind, entity)).map((p) => p.name);
  for (const p of wanted)
    if (!current.includes(p)) await call.iam.policies.attach(call.account, kind, entity, p);
  for (const p of current)
    if (!wanted.includes(p)) await call.iam.policies.detach(call.account, kind, entity, p);
}

/**
 * PUT import-iam (admin:ImportIAM) with MinIO's zip: in MinIO's order policies, users, groups,
 * service accounts, user and group mappings, then LDAP (sts) mappings; existing entities are
 * updated. Stops at the first failure (what came before stays imported, as in MinIO).
 */
export const importIam: Handler = async (call) => {
  await call.authorize({ action: 'admin:ImportIAM', target: collection('*'), admin: [] });
  const { iam, account } = call;
  const entries = readZip(await call.plain(MAX_IAM_ARCHIVE));
  const counts = { policies: 0, users: 0, groups: 0, serviceAccounts: 0, mappings: 0 };
  for (const [name, doc] of Object.entries(objectFile(entries, FILES.policies) ?? {})) {
    await step(FILES.policies, name, async () => {
      const existing = await iam.policies.get(account, name).catch(() => undefined);
      if (existing?.builtin === true) return; // MinIO's canned policies are Tessera's built-ins
      const document = JSON.stringify(doc);
      if (existing === undefined) await iam.policies.create(account, name, document);
      else {
        const id = await iam.policies.createVersion(account, existing.name, document, true);
        for (const v of await iam.policies.listVersions(account, existing.name))
          if (v.versionId !== id) await iam.policies.deleteVersion(account, existing.name, v.versionId);
      }
      counts.policies++;
    });
  }
  for (const [name, u] of Object.entries(objectFile(entries, FILES.users) ?? {})) {
    await step(FILES.users, name, async () => {
      if (call.principal.kind === 'root' && name === call.principal.name)
        throw new TesseraError('XMinioAdminInvalidArgument', 'The root credential is not a user.');
      const secretKey = text(u, 'secretKey');
      const status = text(u, 'status') === 'disabled' ? 'disabled' : 'enabled';
      const existing = await iam.users.get(account, name).catch(() => undefined);
      // A user without its own secret (an AWS-style user, exported with '') is made without one.
      if (existing === undefined)
        await iam.users.create(account, { name, status, ...(secretKey === '' ? {} : { secretKey }) });
      else {
        if (secretKey !== '') await iam.users.setSecret(account, existing.name, secretKey);
        await iam.users.setStatus(account, existing.name, status);
      }
      counts.users++;
    });
  }
  for (const [name, g] of Object.entries(objectFile(entries, FILES.groups) ?? {})) {
    await step(FILES.groups, name, async () => {
      const existing = await iam.groups.get(account, name).catch(() => undefined);
      const group = existing?.name ?? (await iam.groups.create(account, name)).name;
      const members = field(g, 'members');
      const have = await iam.groups.members(account, group);
      for (const m of Array.isArray(members) ? members : [])
        if (typeof m === 'string' && !have.some((h) => h.toLowerCase() === m.toLowerCase()))
          await iam.groups.addMember(account, group, m);
      await iam.groups.setStatus(account, group, text(g, 'status') === 'disabled' ? 'disabled' : 'enabled');
      counts.groups++;
    });
  }
  for (const [key, sa] of Object.entries(objectFile(entries, FILES.svcaccts) ?? {})) {
    await step(FILES.svcaccts, key, async () => {
      const accessKey = text(sa, 'accessKey') || key;
      const parentText = text(sa, 'parent');
      const root = call.principal.kind === 'root' && parentText === call.principal.name;
      const parent: ServiceAccountParent = root ? { type: 'root' } : { type: 'user', name: parentText };
      const policy = field(sa, 'sessionPolicy');
      const expiration = text(sa, 'expiration');
      const expiresAt = expiration === '' ? undefined : Date.parse(expiration);
      const input = {
        parent,
        accessKey,
        secretKey: text(sa, 'secretKey'),
        ...(policy === null || policy === undefined ? {} : { policy: JSON.stringify(policy) }),
        ...(text(sa, 'name') === '' ? {} : { name: text(sa, 'name') }),
        ...(text(sa, 'description') === '' ? {} : { description: text(sa, 'description') }),
        // MinIO writes the zero time for "never"; a past expiration is kept as it is.
        ...(expiresAt === undefined || Number.isNaN(expiresAt) || expiresAt <= 0 ? {} : { expiresAt }),
        status: text(sa, 'status') === 'off' ? ('disabled' as const) : ('enabled' as const),
      };
      const existing = await iam.serviceAccounts.get(account, accessKey).catch(() => undefined);
      if (existing !== undefined) {
        await iam.serviceAccounts.update(account, accessKey, {
          secretKey: input.secretKey,
          status: input.status,
          ...(input.policy === undefined ? {} : { policy: input.policy }),
        });
      } else await minio(() => iam.serviceAccounts.create(account, input), 'XMinioAdminNoSuchUser');
      counts.serviceAccounts++;
    });
  }
  for (const kind of ['user', 'group'] as const) {
    const file = kind === 'user' ? FILES.userMappings : FILES.groupMappings;
    for (const [entity, m] of Object.entries(objectFile(entries, file) ?? {}))
      await step(file, entity, async () => {
        await setPolicies(call, kind, entity, policyList(m));
        counts.mappings++;
      });
  }
  for (const kind of ['user', 'group'] as const) {
    const file = kind === 'user' ? FILES.stsUserMappings : FILES.stsGroupMappings;
    for (const [dn, m] of Object.entries(objectFile(entries, file) ?? {})) {
      // LDAP DNs only: OpenID identities get their policies from their tokens' claims here.
      if (account !== '' || !dn.includes('=')) continue;
      await step(file, dn, async () => {
        const wanted = policyList(m);
        const q = kind === 'user' ? { users: [dn] } : { groups: [dn] };
        const e = await iam.ldap.entities('', q);
        const current = (kind === 'user' ? e.userMappings : e.groupMappings).flatMap((x) => x.policies);
        const add = wanted.filter((p) => !current.includes(p));
        const drop = current.filter((p) => !wanted.includes(p));
        if (add.length > 0) await iam.ldap.attach('', kind, dn, add);
        if (drop.length > 0) await iam.ldap.detach('', kind, dn, drop);
        counts.mappings++;
      });
    }
  }
  return {
    status: 200,
    change: {
      action: 'ImportIAM',
      target: { type: 'iam', name: account === '' ? 'default' : account },
      after: counts,
    },
  };
};
