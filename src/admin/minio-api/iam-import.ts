import { TesseraError } from '../../core/index.js';
import {
  type ServiceAccountParent,
  validateAccessKey,
  validateGroupName,
  validateSecretKey,
  validateUserName,
} from '../../iam/index.js';
import { parsePolicy } from '../../policy/index.js';
import { type Call, collection, type Handler, json, minio } from './call.js';
import { emptyPolicy, field, objectFile, policyList, text } from './iam-archive.js';
import { FILES, MAX_IAM_ARCHIVE } from './iam-export.js';
import { ImportReport, type ReportKind } from './iam-import-report.js';
import { readZip, type ZipEntry } from './zip.js';

/** Makes `entity`'s attached policies exactly `wanted` (MinIO's PolicyDBSet). */
async function setPolicies(call: Call, kind: 'user' | 'group', entity: string, wanted: string[]) {
  const current = (await call.iam.policies.listAttached(call.account, kind, entity)).map((p) => p.name);
  for (const p of wanted)
    if (!current.includes(p)) await call.iam.policies.attach(call.account, kind, entity, p);
  for (const p of current)
    if (!wanted.includes(p)) await call.iam.policies.detach(call.account, kind, entity, p);
}

interface Mode {
  /** Record failing entities and go on (import-iam-v2); else stop at the first (import-iam). */
  readonly collect: boolean;
  /** Check every entity, change nothing (Tessera's `dry-run=true`). */
  readonly dryRun: boolean;
}

/**
 * Imports MinIO's IAM archive in MinIO's order — policies, users, groups, service accounts, user
 * and group mappings, LDAP (sts) mappings — and reports each entity (madmin.ImportIAMResult).
 * Every entity is checked first against the store and what the archive adds before it (names,
 * secrets, documents, parents, members, mapped policies): a dry run stops there, so it reports
 * what a real import would add, skip, remove and refuse without changing anything.
 */
export async function runImport(call: Call, entries: readonly ZipEntry[], mode: Mode): Promise<ImportReport> {
  const { iam, account } = call;
  const report = new ImportReport();
  const planned = { policies: new Set<string>(), users: new Set<string>(), groups: new Set<string>() };
  const known = async (kind: 'users' | 'groups' | 'policies', name: string): Promise<boolean> => {
    if (planned[kind].has(name.toLowerCase())) return true;
    const get =
      kind === 'users'
        ? iam.users.get(account, name)
        : kind === 'groups'
          ? iam.groups.get(account, name)
          : iam.policies.get(account, name);
    return get.then(
      () => true,
      () => false,
    );
  };
  const entity = async (
    file: string,
    kind: ReportKind,
    name: string,
    check: () => Promise<unknown>,
    apply: () => Promise<unknown>,
    opts: { policies?: string[]; removed?: boolean } = {},
  ): Promise<void> => {
    const { policies } = opts;
    try {
      await check();
      if (!mode.dryRun) await apply();
      if (opts.removed === true) report.remove(kind, name);
      else report.add(kind, name, policies);
    } catch (caught) {
      if (!(caught instanceof TesseraError)) throw caught;
      // The directory's AWS codes as MinIO's (as the other admin calls answer them).
      const invalid = caught.code === 'InvalidInput' || caught.code === 'ValidationError';
      const e = invalid ? new TesseraError('XMinioAdminInvalidArgument', caught.message) : caught;
      if (!mode.collect)
        throw new TesseraError(e.code, `importing ${file} for ${name.slice(0, 200)}: ${e.message}`);
      report.fail(kind, name, e, policies);
    }
  };
  const mustExist = async (kind: 'users' | 'groups' | 'policies', name: string) => {
    if (await known(kind, name)) return;
    const code =
      kind === 'users'
        ? 'XMinioAdminNoSuchUser'
        : kind === 'groups'
          ? 'XMinioAdminNoSuchGroup'
          : 'XMinioAdminNoSuchPolicy';
    throw new TesseraError(code, `${kind.slice(0, -1)} ${name.slice(0, 200)} does not exist.`);
  };

  for (const [name, doc] of Object.entries(objectFile(entries, FILES.policies) ?? {})) {
    const existing = await iam.policies.get(account, name).catch(() => undefined);
    // MinIO's canned policies are Tessera's read-only built-ins: they exist on both sides.
    if (existing?.builtin === true) {
      report.skip('policies', name);
      continue;
    }
    if (emptyPolicy(doc)) {
      await entity(
        FILES.policies,
        'policies',
        name,
        async () => {},
        async () => existing === undefined || (await iam.policies.delete(account, existing.name)),
        { removed: true },
      );
      continue;
    }
    const document = JSON.stringify(doc);
    await entity(
      FILES.policies,
      'policies',
      name,
      async () => {
        parsePolicy(document, { kind: 'identity' });
        planned.policies.add(name.toLowerCase());
      },
      async () => {
        if (existing === undefined) {
          await iam.policies.create(account, name, document);
          return;
        }
        const id = await iam.policies.createVersion(account, existing.name, document, true);
        for (const v of await iam.policies.listVersions(account, existing.name))
          if (v.versionId !== id) await iam.policies.deleteVersion(account, existing.name, v.versionId);
      },
    );
  }

  for (const [name, u] of Object.entries(objectFile(entries, FILES.users) ?? {})) {
    const secretKey = text(u, 'secretKey');
    const status = text(u, 'status') === 'disabled' ? 'disabled' : 'enabled';
    const existing = await iam.users.get(account, name).catch(() => undefined);
    await entity(
      FILES.users,
      'users',
      name,
      async () => {
        if (call.principal.kind === 'root' && name === call.principal.name)
          throw new TesseraError('XMinioAdminInvalidArgument', 'The root credential is not a user.');
        if (existing === undefined) validateUserName(name);
        if (secretKey !== '') validateSecretKey(secretKey);
        planned.users.add(name.toLowerCase());
      },
      async () => {
        // A user without its own secret (an AWS-style user, exported with '') is made without one.
        if (existing !== undefined) {
          if (secretKey !== '') await iam.users.setSecret(account, existing.name, secretKey);
          await iam.users.setStatus(account, existing.name, status);
        } else await iam.users.create(account, { name, status, ...(secretKey === '' ? {} : { secretKey }) });
      },
    );
  }

  for (const [name, g] of Object.entries(objectFile(entries, FILES.groups) ?? {})) {
    const listed = field(g, 'members');
    const members = (Array.isArray(listed) ? listed : []).filter((m): m is string => typeof m === 'string');
    const existing = await iam.groups.get(account, name).catch(() => undefined);
    await entity(
      FILES.groups,
      'groups',
      name,
      async () => {
        if (existing === undefined) validateGroupName(name);
        for (const m of members) await mustExist('users', m);
        planned.groups.add(name.toLowerCase());
      },
      async () => {
        const group = existing?.name ?? (await iam.groups.create(account, name)).name;
        const have = await iam.groups.members(account, group);
        for (const m of members)
          if (!have.some((h) => h.toLowerCase() === m.toLowerCase()))
            await iam.groups.addMember(account, group, m);
        await iam.groups.setStatus(account, group, text(g, 'status') === 'disabled' ? 'disabled' : 'enabled');
      },
    );
  }

  for (const [key, sa] of Object.entries(objectFile(entries, FILES.svcaccts) ?? {})) {
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
    await entity(
      FILES.svcaccts,
      'serviceAccounts',
      accessKey,
      async () => {
        if (!root) await mustExist('users', parentText);
        if (existing === undefined) validateAccessKey(accessKey);
        validateSecretKey(input.secretKey);
        if (input.policy !== undefined) parsePolicy(input.policy, { kind: 'identity' });
      },
      async () => {
        if (existing === undefined) {
          await minio(() => iam.serviceAccounts.create(account, input), 'XMinioAdminNoSuchUser');
          return;
        }
        await iam.serviceAccounts.update(account, accessKey, {
          secretKey: input.secretKey,
          status: input.status,
          ...(input.policy === undefined ? {} : { policy: input.policy }),
        });
      },
    );
  }

  for (const kind of ['user', 'group'] as const) {
    const file = kind === 'user' ? FILES.userMappings : FILES.groupMappings;
    for (const [name, m] of Object.entries(objectFile(entries, file) ?? {})) {
      const wanted = policyList(m);
      await entity(
        file,
        kind === 'user' ? 'userPolicies' : 'groupPolicies',
        name,
        async () => {
          await mustExist(kind === 'user' ? 'users' : 'groups', name);
          for (const p of wanted) await mustExist('policies', p);
        },
        () => setPolicies(call, kind, name, wanted),
        { policies: wanted },
      );
    }
  }

  for (const kind of ['user', 'group'] as const) {
    const file = kind === 'user' ? FILES.stsUserMappings : FILES.stsGroupMappings;
    for (const [dn, m] of Object.entries(objectFile(entries, file) ?? {})) {
      // LDAP DNs of the default account only: OpenID identities get their policies from their
      // tokens' claims here (MinIO too skips entries it cannot map to a DN).
      if (account !== '' || !dn.includes('=')) {
        report.skip(kind === 'user' ? 'users' : 'groups', dn);
        continue;
      }
      const wanted = policyList(m);
      await entity(
        file,
        'stsPolicies',
        dn,
        async () => {
          for (const p of wanted) await mustExist('policies', p);
        },
        async () => {
          const e = await iam.ldap.entities('', kind === 'user' ? { users: [dn] } : { groups: [dn] });
          const current = (kind === 'user' ? e.userMappings : e.groupMappings).flatMap((x) => x.policies);
          const add = wanted.filter((p) => !current.includes(p));
          const drop = current.filter((p) => !wanted.includes(p));
          if (add.length > 0) await iam.ldap.attach('', kind, dn, add);
          if (drop.length > 0) await iam.ldap.detach('', kind, dn, drop);
        },
        { policies: wanted },
      );
    }
  }
  return report;
}

/**
 * PUT import-iam (MinIO's first import: 200, no body, stops at the first failing entity) and
 * import-iam-v2 (every entity reported, failures included: madmin.ImportIAMResult), both
 * admin:ImportIAM. Tessera's `dry-run=true` on either answers the report of what the import
 * would do and changes nothing (docs/minio-compat.md).
 */
function importHandler(v2: boolean): Handler {
  return async (call) => {
    await call.authorize({ action: 'admin:ImportIAM', target: collection('*'), admin: [] });
    const dryRun = call.param('dry-run') === 'true';
    const entries = readZip(await call.plain(MAX_IAM_ARCHIVE));
    const report = await runImport(call, entries, { collect: v2 || dryRun, dryRun });
    if (dryRun) return json(report.toJSON());
    return {
      ...(v2 ? json(report.toJSON()) : { status: 200 }),
      change: {
        action: v2 ? 'ImportIAMV2' : 'ImportIAM',
        target: { type: 'iam', name: call.account === '' ? 'default' : call.account },
        after: report.counts(),
      },
    };
  };
}

export const importIam = importHandler(false);
export const importIamV2 = importHandler(true);
