/**
 * IAM start-up and lookup benchmark: a directory of 100,000 users (each with a secret, an
 * attached policy and a group) and 10,000 managed policies, seeded straight into SQLite in one
 * transaction (through the API every create is its own fsynced transaction, ~1 ms each). Measures
 * what a worker pays: opening the store and the service (caches load lazily, so this must not
 * grow with the directory), the first (cold) credential lookup + policy sets of a user, cold
 * lookups of many users, and cached lookups.
 * Run: npx tsc -p tsconfig.build.json && node dist/bench/iam-startup.js [users] [policies]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { IamService, parseMasterKey, SecretBox, secretContext } from '../src/iam/index.js';
import { SqliteIamStore } from '../src/storage/index.js';

const GROUPS = 1000;

function seed(file: string, box: SecretBox, users: number, policies: number): void {
  new SqliteIamStore(file).close(); // creates the schema
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  const now = Date.now();
  const doc = (i: number) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::bucket-${i}/*` },
      ],
    });
  const insert = {
    policy: db.prepare("INSERT INTO iam_policies VALUES ('', ?, ?, NULL, 'v1', 2, ?, ?)"),
    version: db.prepare("INSERT INTO iam_policy_versions VALUES ('', ?, 'v1', ?, ?)"),
    group: db.prepare("INSERT INTO iam_groups VALUES ('', ?, ?, 'enabled', ?, ?)"),
    user: db.prepare("INSERT INTO iam_users VALUES ('', ?, ?, ?, ?, 'enabled', ?, ?, ?)"),
    member: db.prepare("INSERT INTO iam_group_members VALUES ('', ?, ?)"),
    attach: db.prepare("INSERT INTO iam_attachments VALUES ('', ?, ?, ?)"),
  };
  db.transaction(() => {
    for (let i = 0; i < policies; i++) {
      insert.policy.run(`policy-${i}`, `ANPA${i}`, now, now);
      insert.version.run(`policy-${i}`, doc(i), now);
    }
    for (let g = 0; g < GROUPS; g++) {
      insert.group.run(`group-${g}`, `AGPA${g}`, now, now);
      insert.attach.run('group', `group-${g}`, 'readonly');
    }
    for (let i = 0; i < users; i++) {
      const name = `user-${i}`;
      const secret = box.encrypt(`secret-of-${name}`, secretContext.user('', name));
      insert.user.run(
        name,
        `AIDA${i}`,
        name,
        secret,
        JSON.stringify([{ key: 'n', value: String(i) }]),
        now,
        now,
      );
      insert.member.run(`group-${i % GROUPS}`, name);
      insert.attach.run('user', name, `policy-${i % policies}`);
    }
  })();
  db.close();
}

function ms(start: number): number {
  return performance.now() - start;
}

export async function main(users = 100_000, policies = 10_000): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-iam-bench-'));
  try {
    mkdirSync(join(dir, '.tessera'));
    const file = join(dir, '.tessera', 'meta.db');
    const masterKey = parseMasterKey(`bench:${randomBytes(32).toString('base64')}`);
    let t = performance.now();
    seed(file, new SecretBox(masterKey), users, policies);
    const seedMs = ms(t);

    t = performance.now();
    const store = new SqliteIamStore(file);
    const iam = await IamService.open({
      store,
      masterKey,
      root: { accessKey: 'root', secretKey: 'root-secret' },
    });
    const startupMs = ms(t);

    t = performance.now();
    const first = await iam.lookupCredential('user-4242');
    await iam.policySetsFor(first!.principal, 'bucket-4242');
    const firstMs = ms(t);

    const cold = 2000;
    t = performance.now();
    for (let i = 0; i < cold; i++) {
      const c = await iam.lookupCredential(`user-${(i * 7919) % users}`);
      if (c === undefined) throw new Error('seeded user not found');
      await iam.policySetsFor(c.principal, 'bucket-1');
    }
    const coldUs = (ms(t) * 1000) / cold;

    const warm = 200_000;
    t = performance.now();
    for (let i = 0; i < warm; i++) {
      const c = iam.lookupCredential(`user-${((i % cold) * 7919) % users}`);
      if (c instanceof Promise) throw new Error('expected a cache hit');
      iam.policySetsFor(c!.principal, 'bucket-1');
    }
    const warmNs = (ms(t) * 1e6) / warm;
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
    iam.close();
    await store.close();

    const lines = [
      `IAM directory: ${users.toLocaleString('en')} users, ${policies.toLocaleString('en')} policies, ${GROUPS} groups; Node ${process.version}`,
      '',
      '| measurement | result |',
      '|---|---:|',
      `| seed (direct SQL, one transaction) | ${(seedMs / 1000).toFixed(1)} s |`,
      `| start-up: open store + IamService.open | ${startupMs.toFixed(1)} ms |`,
      `| first lookup + policy sets (cold) | ${firstMs.toFixed(2)} ms |`,
      `| cold lookup + policy sets, per user (${cold}) | ${coldUs.toFixed(0)} µs |`,
      `| cached lookup + policy sets | ${warmNs.toFixed(0)} ns |`,
      `| heap after | ${heapMb.toFixed(0)} MiB |`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [users, policies] = process.argv.slice(2).map(Number);
  await main(users || undefined, policies || undefined);
}
