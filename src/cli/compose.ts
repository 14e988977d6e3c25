import type { Server } from 'node:http';
import type { Credential, CredentialLookup } from '../auth/index.js';
import { type Principal, TesseraError } from '../core/index.js';
import { type Authorizer, createS3Server } from '../http/index.js';
import type { S3Deps } from '../s3/index.js';
import { openEmbeddedStorage } from '../storage/index.js';
import type { ServerConfig } from './config.js';
import type { RootCredentials } from './root-credentials.js';

/** At this stage only root exists: the lookup knows one key. IAM replaces it. */
export function rootLookup(root: RootCredentials): CredentialLookup {
  const principal: Principal = { type: 'root', account: '', accessKey: root.accessKey, name: 'root' };
  const credential: Credential = { accessKey: root.accessKey, secretKey: root.secretKey, principal };
  return (accessKey) => (accessKey === root.accessKey ? credential : undefined);
}

/** Root may do everything, never evaluated; everyone else is denied until policies exist. */
export const rootOnlyAuthorizer: Authorizer = (principal) => {
  if (principal?.type === 'root') return;
  throw new TesseraError('AccessDenied');
};

function logError(message: string, err?: unknown): void {
  const detail = err instanceof Error ? (err.stack ?? err.message) : err === undefined ? '' : String(err);
  process.stderr.write(
    `${JSON.stringify({ level: 'error', time: new Date().toISOString(), message, detail })}\n`,
  );
}

/** Wires storage, authentication, authorization and the HTTP pipeline into a server (not yet listening). */
export async function composeServer(
  config: ServerConfig,
  root: RootCredentials,
): Promise<{ server: Server; close: () => Promise<void> }> {
  const storage = await openEmbeddedStorage(config.dataDir);
  const deps: S3Deps = {
    metadata: storage.metadata,
    blobs: storage.blobs,
    region: config.region,
    account: '',
    owner: { id: '02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4', displayName: 'tessera' },
  };
  const server = createS3Server({
    deps,
    lookup: rootLookup(root),
    authorize: rootOnlyAuthorizer,
    domains: config.domains,
    log: logError,
    ...(config.logRequests ? { onEvent: (e) => process.stdout.write(`${JSON.stringify(e)}\n`) } : {}),
  });
  return {
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await storage.metadata.close();
    },
  };
}
