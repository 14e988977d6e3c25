import type { ServiceAccountParent } from '../../iam/index.js';
import { type Call, collection, type Handler } from './call.js';
import { writeZip, type ZipEntry } from './zip.js';

/**
 * MinIO's export-iam (cmd/admin-handlers-users.go): a zip of JSON files under `iam-assets/`, so
 * an export from MinIO imports into Tessera (iam-import.ts) and the other way round.
 */
export const DIR = 'iam-assets';
export const FILES = {
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
