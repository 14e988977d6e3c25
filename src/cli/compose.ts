import type { Server } from 'node:http';
import { createIamApi, createMinioAdminApi } from '../admin/index.js';
import { statsByTarget } from '../audit/index.js';
import { createS3Server, optionalFanOut, policyPluginCounters, TrustedProxies } from '../http/index.js';
import { Authorizer, BucketAccounts, IamService, loadMasterKey } from '../iam/index.js';
import {
  BuiltinKms,
  publicBucketRestrictions,
  type S3Deps,
  ScanService,
  startDigestThreads,
} from '../s3/index.js';
import { guardIamStore, openStorage, type StorageConfig } from '../storage/index.js';
import { createStsApi, IssuanceLimiter, LdapSync, StsKeyring, sessionOpener } from '../sts/index.js';
import { auditSecrets, openAuditTargets } from './audit-config.js';
import { envValue, type ServerConfig } from './config.js';
import { damageSinks } from './damage-sinks.js';
import { loadDeploymentId } from './deployment-id.js';
import { ldapSyncAuditor } from './ldap-audit.js';
import { ldapDirectories } from './ldap-config.js';
import { createLog } from './log.js';
import { composeObservability } from './observability.js';
import { openIdVerifier } from './openid-config.js';
import { pluginClients, pluginSecrets } from './plugin-config.js';
import type { RootCredentials } from './root-credentials.js';
import { composeTls } from './tls-config.js';

/** The storage backend a server configuration names: shared mode with TESSERA_METADATA_URL, else embedded. */
export function storageConfig(config: ServerConfig): StorageConfig {
  const minFree = config.minFreeSpace === undefined ? {} : { minFreeSpace: config.minFreeSpace };
  const readCacheSize = config.readCacheSize;
  if (config.metadata !== undefined)
    return { kind: 'postgres', dataDir: config.dataDir, ...config.metadata, ...minFree, readCacheSize };
  return {
    kind: 'embedded',
    dataDir: config.dataDir,
    ...(config.minFreeSpace === undefined ? {} : { minFreeSpace: config.minFreeSpace }),
    readCacheSize,
    metadataCacheEntries: config.metadataCacheEntries,
  };
}

/** The password in TESSERA_METADATA_URL, masked in log lines like the other secrets. */
function databasePassword(config: ServerConfig): string | undefined {
  if (config.metadata === undefined) return undefined;
  try {
    return decodeURIComponent(new URL(config.metadata.url).password) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The composition root: storage, the identity directory, authentication, authorization and the
 * HTTP pipeline wired into a server (not yet listening).
 */
export async function composeServer(
  config: ServerConfig,
  root: RootCredentials,
): Promise<{
  server: Server;
  deploymentId: string;
  close: () => Promise<void>;
  /** Reads the TLS certificates again (SIGHUP); absent without HTTPS. */
  reloadTls?: () => boolean;
  /** The web console's listener (docs/console.md); absent when it is off. */
  console?: { listen(host: string, port: number): Promise<number>; close(): Promise<void> };
}> {
  // Secrets never go into a log line; should one slip into an error message, it is masked.
  const logError = createLog(config.logLevel, [
    root.secretKey,
    databasePassword(config),
    envValue(process.env, 'TESSERA_KMS_SECRET_KEY', 'MINIO_KMS_SECRET_KEY')?.split(':')[1],
    ...config.openid.map((p) => p.clientSecret),
    ...auditSecrets(config.audit),
    ...config.ldap.map((d) => d.lookupBindPassword),
    ...pluginSecrets(config.plugins),
  ]);
  // MinIO's identity and access-management plugins (docs/plugins.md): reached on first use.
  const plugins = pluginClients(config.plugins);
  const storage = await openStorage(storageConfig(config));
  // Hash threads for large uploads (MD5, SHA-256), started with the server, not per request.
  const digestThreads = await startDigestThreads({ log: (m) => logError(m) });
  const masterKey = loadMasterKey(config.dataDir);
  // MinIO's deploymentid: in every audit entry (and for the admin API).
  const deploymentId = loadDeploymentId(config.dataDir);
  const stsKeys = StsKeyring.derive(masterKey.key, config.sts.keyId, config.sts.acceptedKeyIds);
  const damage = damageSinks((m) => logError(m));
  const iam = await IamService.open({
    // IAM writes count against the free-space threshold; deletes always work (docs/operations.md).
    store: guardIamStore(storage.iam, storage.space),
    masterKey,
    sessions: sessionOpener(stsKeys),
    root: { accessKey: root.accessKey, secretKey: root.secretKey },
    defaultAccountId: config.accountId,
    log: logError,
    // docs/sts.md "Revocation": single-session entries live as long as the longest session.
    revocations: {
      maxSessions: config.sts.maxRevocations,
      maxSessionMs: Math.max(config.sts.limits.maxDurationSeconds, 12 * 3600) * 1000,
    },
    ...(config.sts.serviceAccountMaxExpirySeconds === undefined
      ? {}
      : { serviceAccountMaxExpiryMs: config.sts.serviceAccountMaxExpirySeconds * 1000 }),
  });
  iam.startChangeFeed();
  // Which account owns each bucket (docs/accounts.md): asked on every request, cached 1 s.
  const bucketAccounts = new BucketAccounts((name) => storage.metadata.getBucket(name));
  const deps: S3Deps = {
    accounts: {
      bucketChanged: (bucket) => bucketAccounts.forget(bucket),
      displayName: async (account) => (await iam.accounts.info(account, 'tessera'))?.name,
      bucketAccount: (bucket) => bucketAccounts.of(bucket),
      ids: async () => (await iam.accounts.list()).map((a) => a.id),
    },
    metadata: storage.metadata,
    blobs: storage.blobs,
    bucketPolicies: iam.bucketPolicies,
    region: config.region,
    account: '',
    owner: { id: '02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4', displayName: 'tessera' },
    defaultObjectOwnership: config.defaultObjectOwnership,
    space: storage.space,
    // Damage found on read (docs/operations.md): one log line, the damage counter, the audit entry.
    reportDamage: damage.read,
    digestThreads,
    // Server-side encryption (docs/encryption.md): the built-in KMS under the master key.
    sse: {
      kms: new BuiltinKms(masterKey, storage.metadata),
      customerKeysOverLoopbackHttp: config.sseCustomerKeysOverLoopbackHttp,
    },
  };
  // RestrictPublicBuckets (docs/public-access.md): shared with the handlers that change it.
  const restrictions = publicBucketRestrictions(deps);
  const authorizer = new Authorizer({
    iam,
    accountId: config.accountId,
    restrictedOwner: (bucket) => restrictions.ownerIfRestricted(bucket),
    bucketAccount: (bucket) => bucketAccounts.of(bucket),
    objectTags: async (bucket, key, versionId) =>
      (await storage.metadata.getObject(bucket, key, versionId))?.tags,
    ...(plugins.policy === undefined ? {} : { policyPlugin: plugins.policy }),
  });
  // The audit targets (docs/audit.md): each process its own streams; writes only queue.
  const audit = openAuditTargets(config.audit, masterKey, logError, {
    dataDir: config.dataDir,
    deploymentId,
  });
  const observed = composeObservability(config, {
    storage,
    iam,
    authorizer,
    log: logError,
    ...(audit === undefined ? {} : { auditTargets: () => statsByTarget(audit) }),
  });
  damage.countWith(observed.metrics);
  const policyPlugin = plugins.policy;
  if (policyPlugin !== undefined)
    policyPluginCounters(() => policyPlugin.stats(), [observed.metrics.registry]);
  const webIdentity = openIdVerifier(config.openid, (m) => logError(m));
  // LDAP / Active Directory (docs/ldap.md): logins, the admin routes and the directory sync.
  const ldap = ldapDirectories(config.ldap);
  // Each change the directory sync makes is audited (docs/audit.md, trigger `internal`).
  const syncAudit = ldapSyncAuditor(audit, deploymentId, (user) => iam.arns.user('', user));
  const ldapSync =
    ldap === undefined
      ? undefined
      : new LdapSync({
          iam,
          directories: ldap,
          intervalMs: config.ldapSyncIntervalMs,
          log: logError,
          ...(syncAudit === undefined ? {} : { onChange: syncAudit }),
        });
  ldapSync?.start();
  // HTTPS and client certificates (docs/tls.md): checked now, reloaded while serving.
  const tls = await composeTls(config.tls, logError);
  const server = createS3Server(
    {
      deps,
      lookup: iam.lookupCredential,
      authorizer,
      iamApi: createIamApi(iam, { accountId: config.accountId, authorizer }),
      scan: new ScanService({ metadata: storage.metadata, blobs: storage.blobs, report: damage.scan }),
      accounts: {
        directory: iam.accounts,
        bucketCount: async (account) =>
          (await storage.metadata.listBuckets()).filter((b) => b.account === account).length,
      },
      stsApi: createStsApi({
        iam,
        authorizer,
        keys: stsKeys,
        limits: config.sts.limits,
        strictRoles: config.sts.strictRoles,
        limiter: new IssuanceLimiter(config.sts.issuance),
        ...(webIdentity === undefined ? {} : { webIdentity }),
        ...(ldap === undefined ? {} : { ldap }),
        ...(tls.certificates === undefined ? {} : { certificates: tls.certificates }),
        ...(plugins.identity === undefined ? {} : { identityPlugin: plugins.identity }),
        policyPlugin: plugins.policy !== undefined,
      }),
      ...(ldap === undefined ? {} : { ldap: { iam, directories: ldap } }),
      minio: createMinioAdminApi({
        iam,
        authorizer,
        // `idp/ldap/add-service-account` (docs/minio-compat.md) looks the DN up in the directories.
        ...(ldap === undefined ? {} : { ldap }),
        // `idp-config` answers the providers the environment configured (docs/minio-compat.md).
        idp: { openid: config.openid, ldap: config.ldap },
        // `info` / `accountinfo` (docs/minio-compat.md): what the deployment knows of itself.
        server: {
          deploymentId,
          region: config.region,
          version: '0.1.0', // as `tessera --version` (src/cli/main.ts)
          startedAt: Date.now(),
          ldap: ldap !== undefined,
          buckets: async (account) =>
            (await storage.metadata.listBuckets()).filter((b) => b.account === account),
        },
      }),
      // The console's audit viewer reads the file target (docs/console.md).
      audit: { file: config.audit.file?.path },
      trustedProxies: new TrustedProxies(config.trustedProxies),
      domains: config.domains,
      log: logError,
      deploymentId,
      apis: observed.apis,
      events: optionalFanOut(
        config.logRequests
          ? { write: (e) => void process.stdout.write(`${JSON.stringify(e)}\n`) }
          : undefined,
        audit,
      ),
      counters: observed.metrics,
    },
    config.timeouts,
    tls.reloader,
  );
  // The web console (docs/console.md): loaded only when it is on; it calls this server's S3 port.
  const consoleListener =
    config.console === undefined
      ? undefined
      : (await import('../console/index.js')).createConsoleListener(
          {
            upstream: {
              host: config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host,
              port: () => {
                const a = server.address();
                return typeof a === 'object' && a !== null ? a.port : config.port;
              },
              tls: tls.reloader !== undefined,
            },
            region: config.region,
            masterKey: masterKey.key,
            sessionSeconds: config.console.sessionSeconds,
            strictRoles: config.sts.strictRoles,
            ...(config.console.serverUrl === undefined ? {} : { serverUrl: config.console.serverUrl }),
            openid: config.openid,
            ldap: ldap !== undefined,
            lookup: iam.lookupCredential,
            revoke: async (s) => {
              const p = s.parent;
              const target =
                p.kind === 'root'
                  ? ({ kind: 'root' } as const)
                  : p.kind === 'serviceAccount'
                    ? ({ kind: 'serviceAccount', accessKey: p.accessKey } as const)
                    : ({ kind: p.kind === 'role' ? 'role' : 'user', name: p.name } as const);
              await iam.revocations.revoke(s.account, target, s.sessionId);
            },
            log: logError,
          },
          tls.reloader,
        );
  return {
    server,
    deploymentId,
    ...(tls.reloader === undefined ? {} : { reloadTls: () => tls.reloader!.reload() }),
    ...(consoleListener === undefined ? {} : { console: consoleListener }),
    close: async () => {
      tls.reloader?.close();
      await Promise.all([
        new Promise<void>((resolve) => server.close(() => resolve())),
        consoleListener?.close(),
      ]);
      await audit?.close();
      await ldapSync?.stop();
      await ldap?.close();
      iam.stopChangeFeed();
      await iam.close();
      await digestThreads?.stop();
      await storage.close();
    },
  };
}
