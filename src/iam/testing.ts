import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteIamStore } from '../storage/index.js';
import type { CacheLimits } from './cache.js';
import { parseMasterKey } from './master-key.js';
import { IamService } from './service.js';

/** Test support: IAM services over a real SQLite file in a temporary directory, with a settable clock. */
export interface TestIam {
  iam: IamService;
  store: SqliteIamStore;
  clock: { now(): number; set(ms: number): void };
  close(): Promise<void>;
}

export const TEST_ROOT = { accessKey: 'rootadmin', secretKey: 'rootadmin-secret' };
const KEY = parseMasterKey(`test-key:${randomBytes(32).toString('base64')}`);

/** A fresh data directory. */
export function testDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-iam-'));
  mkdirSync(join(dir, '.tessera'));
  return dir;
}

/** Opens a service on `dataDir` (each call: its own connection, as another worker would have). */
export async function openTestIam(
  dataDir: string,
  opts: { cache?: CacheLimits; defaultAccountId?: string } = {},
): Promise<TestIam> {
  let now = 1_700_000_000_000;
  const clock = { now: () => now, set: (ms: number) => void (now = ms) };
  const store = SqliteIamStore.forDataDir(dataDir);
  const iam = await IamService.open({
    store,
    masterKey: KEY,
    root: TEST_ROOT,
    clock,
    ...(opts.cache === undefined ? {} : { cache: opts.cache }),
    ...(opts.defaultAccountId === undefined ? {} : { defaultAccountId: opts.defaultAccountId }),
  });
  return {
    iam,
    store,
    clock,
    close: async () => {
      iam.close();
      await store.close();
    },
  };
}

/** A policy document allowing `actions` on `resources`. */
export function allow(
  actions: string | string[],
  resources: string | string[] = '*',
  effect = 'Allow',
): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: effect, Action: actions, Resource: resources }],
  });
}
