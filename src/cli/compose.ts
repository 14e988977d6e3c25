import type { Server } from 'node:http';
import { createIamApi } from '../admin/index.js';
import { AccessControl, createS3Server, TrustedProxies } from '../http/index.js';
import { IamService, loadMasterKey } from '../iam/index.js';
import type { S3Deps } from '../s3/index.js';
import { openEmbeddedStorage, SqliteIamStore } from '../storage/index.js';
import { envValue, type ServerConfig } from './config.js';
import { createLog } from './log.js';
import type { RootCredentials } from './root-credentials.js';

/**
 * The composition root: storage, the identity directory, authentication, authorization and the
 * HTTP pipeline wired into a server (not yet listening).
 */
export async function composeServer(
  config: ServerConfig,
  root: RootCredentials,
): Promise<{ server: Server; close: () => Promise<void> }> {
  // Secrets never go into a log line; should one slip into an error message, it is masked.
  const logError = createLog(config.logLevel, [
    root.secretKey,
    envValue(process.env, 'TESSERA_KMS_SECRET_KEY', 'MINIO_KMS_SECRET_KEY')?.split(':')[1],
  ]);
  const storage = await openEmbeddedStorage(config.dataDir);
  const iamStore = SqliteIamStore.forDataDir(config.dataDir);
  const iam = await IamService.open({
    store: iamStore,
    masterKey: loadMasterKey(config.dataDir),
    root: { accessKey: root.accessKey, secretKey: root.secretKey },
    defaultAccountId: config.accountId,
    log: logError,
  });
  iam.startChangeFeed();
  const deps: S3Deps = {
    metadata: storage.metadata,
    blobs: storage.blobs,
    bucketPolicies: iam.bucketPolicies,
    region: config.region,
    account: '',
    owner: { id: '02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4', displayName: 'tessera' },
  };
  const access = new AccessControl({ iam, metadata: storage.metadata, accountId: config.accountId });
  const server = createS3Server(
    {
      deps,
      lookup: iam.lookupCredential,
      authorize: (req) => access.authorize(req),
      iamApi: createIamApi(iam, { accountId: config.accountId }),
      trustedProxies: new TrustedProxies(config.trustedProxies),
      domains: config.domains,
      log: logError,
      ...(config.logRequests ? { onEvent: (e) => process.stdout.write(`${JSON.stringify(e)}\n`) } : {}),
    },
    config.timeouts,
  );
  return {
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      iam.stopChangeFeed();
      await iam.close();
      await storage.metadata.close();
    },
  };
}
