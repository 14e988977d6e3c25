import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileOnce } from '../core/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Where the deployment id is kept: `<dataDir>/.tessera/deployment-id`. */
export function deploymentIdFile(dataDir: string): string {
  return join(dataDir, '.tessera', 'deployment-id');
}

function readId(file: string): string {
  const id = readFileSync(file, 'utf8').trim();
  if (!UUID.test(id)) throw new Error(`${file} does not hold a deployment id (a UUID)`);
  return id;
}

/**
 * The deployment's id, MinIO's `deploymentid` (in every audit entry, and for the admin API): a
 * UUID generated at first start and kept in the data directory, so that it survives restarts
 * and is the same for every worker and every server sharing the data directory. Race-safe as
 * the master key file (iam/master-key.ts): written to a private temporary file, fsynced, linked
 * into place; whoever loses the link race reads the winner's file.
 */
export function loadDeploymentId(dataDir: string): string {
  const file = deploymentIdFile(dataDir);
  try {
    return readId(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  createFileOnce(file, `${randomUUID()}\n`, 0o644);
  return readId(file);
}
