import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Postgres, postgresMissing, startPostgres } from '../../../test/helpers/postgres.js';
import { IamService, parseMasterKey } from '../../iam/index.js';
import { expectCode } from '../contract/fixtures.js';
import { runAccountStoreContract } from '../contract/iam-accounts-contract.js';
import { runAttachmentStoreContract } from '../contract/iam-attachments-contract.js';
import { runBucketPolicyStoreContract } from '../contract/iam-bucket-policies-contract.js';
import { runChangeFeedContract } from '../contract/iam-feed-contract.js';
import { user } from '../contract/iam-fixtures.js';
import { runGroupStoreContract } from '../contract/iam-groups-contract.js';
import { runLdapStoreContract } from '../contract/iam-ldap-contract.js';
import { runOidcProviderStoreContract } from '../contract/iam-oidc-providers-contract.js';
import { runPolicyStoreContract } from '../contract/iam-policies-contract.js';
import { runRoleStoreContract } from '../contract/iam-roles-contract.js';
import { runServiceAccountStoreContract } from '../contract/iam-service-accounts-contract.js';
import { runIdentitySnapshotContract } from '../contract/iam-snapshot-contract.js';
import { runUserStoreContract } from '../contract/iam-users-contract.js';
import { canListenChanges } from './pg-iam-change-listener.js';
import { pgIamLatestVersion } from './pg-iam-schema.js';
import { PgIamStore } from './pg-iam-store.js';

// A throwaway cluster (test/helpers/postgres.ts); in CI a missing PostgreSQL fails, never skips.
const missing = postgresMissing();
let cluster: Postgres | undefined;

describe.skipIf(missing !== undefined)('PgIamStore', () => {
  beforeAll(async () => {
    cluster = await startPostgres({ tls: true });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  // One store implements every port: each contract test runs against a fresh database.
  const open = async () => PgIamStore.open({ url: await cluster!.createDatabase('iam'), poolSize: 4 });
  runUserStoreContract('postgres', open);
  runGroupStoreContract('postgres', open);
  runPolicyStoreContract('postgres', open);
  runRoleStoreContract('postgres', open);
  runOidcProviderStoreContract('postgres', open);
  runAttachmentStoreContract('postgres', open);
  runServiceAccountStoreContract('postgres', open);
  runBucketPolicyStoreContract('postgres', open);
  runIdentitySnapshotContract('postgres', open);
  runChangeFeedContract('postgres', open);
  runAccountStoreContract('postgres', open);
  runLdapStoreContract('postgres', open);

  describe('shared by several servers', () => {
    /** Two stores on one database, each with its own pool: two servers. */
    async function pair(): Promise<[PgIamStore, PgIamStore, string]> {
      const url = await cluster!.createDatabase('shared');
      const [one, two] = await Promise.all([
        PgIamStore.open({ url, poolSize: 3 }),
        PgIamStore.open({ url, poolSize: 3 }),
      ]);
      return [one, two, url];
    }

    it('applies the migrations once when several servers open a fresh database at once', async () => {
      const url = await cluster!.createDatabase('migrate');
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => PgIamStore.open({ url, poolSize: 2 })),
      );
      const c = new pg.Client(url);
      await c.connect();
      const { rows } = await c.query('SELECT version FROM iam_schema_migrations ORDER BY version');
      await c.end();
      expect(rows.map((r) => r.version)).toEqual(
        Array.from({ length: pgIamLatestVersion() }, (_, i) => i + 1),
      );
      expect(await stores[3]!.latestChangeSeq()).toBe(0);
      await Promise.all(stores.map((s) => s.close()));
    });

    it('refuses a database whose IAM schema is newer than this code', async () => {
      const url = await cluster!.createDatabase('newer');
      await (await PgIamStore.open({ url })).close();
      const c = new pg.Client(url);
      await c.connect();
      await c.query("INSERT INTO iam_schema_migrations VALUES (999, 'future', 0)");
      await c.end();
      await expectCode(PgIamStore.open({ url }), 'InternalError');
    });

    it("sees the other server's writes and changes", async () => {
      const [one, two] = await pair();
      const seq = await two.latestChangeSeq();
      await one.createUser(user('alice'));
      expect((await two.getUser('', 'ALICE'))?.name).toBe('alice');
      expect((await two.changesSince(seq)).changes.map((c) => `${c.kind}:${c.name}`)).toEqual(['user:alice']);
      await two.createGroup({
        account: '',
        name: 'devs',
        id: 'AGPA1',
        status: 'enabled',
        createdAt: 1,
        updatedAt: 1,
      });
      await one.addGroupMember('', 'DEVS', 'alice');
      expect(await two.listGroupMembers('', 'devs')).toEqual(['alice']);
      expect(await one.latestChangeSeq()).toBe(await two.latestChangeSeq());
      await Promise.all([one.close(), two.close()]);
    });

    it('concurrent creates of one name (any case) from two servers: exactly one wins', async () => {
      const [one, two] = await pair();
      for (let round = 0; round < 5; round++) {
        const name = `user${round}`;
        const results = await Promise.allSettled([
          one.createUser({ ...user(name), accessKey: `${name}-one` }),
          two.createUser({ ...user(name.toUpperCase()), accessKey: `${name}-two` }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect((lost.reason as { code?: string }).code).toBe('EntityAlreadyExists');
      }
      expect(await one.listUsers('')).toHaveLength(5);
      // One change per successful create, sequence numbers without gaps.
      const { changes } = await two.changesSince(0);
      expect(changes.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5]);
      await Promise.all([one.close(), two.close()]);
    });

    it('concurrent policy versions from two servers never pass the limit of five', async () => {
      const [one, two] = await pair();
      await one.createPolicy({ account: '', name: 'p', id: 'ANPA1', createdAt: 1, updatedAt: 1 }, '{}');
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 === 0 ? one : two).createPolicyVersion('', 'p', '{}', false, i),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
      const codes = results.flatMap((r) =>
        r.status === 'rejected' ? [(r.reason as { code?: string }).code] : [],
      );
      expect(codes).toEqual(['LimitExceeded', 'LimitExceeded', 'LimitExceeded', 'LimitExceeded']);
      expect((await two.listPolicyVersions('', 'p')).map((v) => v.versionId).sort()).toEqual([
        'v1',
        'v2',
        'v3',
        'v4',
        'v5',
      ]);
      await Promise.all([one.close(), two.close()]);
    });

    it("a change committed by one server reaches the other's listener", async () => {
      const [one, two] = await pair();
      expect(canListenChanges(two)).toBe(true);
      const heard: (number | undefined)[] = [];
      const stop = two.listenChanges((seq) => heard.push(seq));
      // LISTEN starts asynchronously: write until a notification arrives.
      let n = 0;
      while (heard.length === 0 && n < 100) {
        await one.putBucketPolicy({ bucket: `b${n++}`, account: '', document: '{}', updatedAt: 1 });
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(heard.length).toBeGreaterThan(0);
      const latest = await one.latestChangeSeq();
      await new Promise((r) => setTimeout(r, 200));
      expect(heard.at(-1)).toBe(latest);
      // A transaction that changes nothing announces nothing; a failed one neither.
      const before = heard.length;
      await one.touchLdapUsers([{ directory: 'd', dn: 'uid=x' }], 1);
      await expectCode(one.deleteUser('', 'nobody'), 'NoSuchEntity');
      await one.putBucketPolicy({ bucket: 'last', account: '', document: '{}', updatedAt: 1 });
      const deadline = Date.now() + 10_000;
      while (heard.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(heard.slice(before)).toEqual([latest + 1]);
      stop();
      await Promise.all([one.close(), two.close()]);
    });

    it('the listener reconnects after its connection is killed, and says so', async () => {
      const [one, two, url] = await pair();
      const heard: (number | undefined)[] = [];
      two.listenChanges((seq) => heard.push(seq));
      let n = 0;
      while (heard.length === 0 && n < 100) {
        await one.putBucketPolicy({ bucket: `b${n++}`, account: '', document: '{}', updatedAt: 1 });
        await new Promise((r) => setTimeout(r, 100));
      }
      const admin = new pg.Client(url);
      await admin.connect();
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
      );
      await admin.end();
      const deadline = Date.now() + 20_000;
      while (!heard.includes(undefined) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(heard).toContain(undefined); // reconnected: "poll now, notifications may be lost"
      const count = heard.length;
      while (heard.length === count && Date.now() < deadline) {
        await one.putBucketPolicy({ bucket: 'again', account: '', document: '{}', updatedAt: 1 });
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(heard.length).toBeGreaterThan(count);
      await Promise.all([one.close(), two.close()]); // close stops the listener
    });

    it("the IAM service's change feed polls when notified, long before its interval", async () => {
      const [one, two] = await pair();
      const masterKey = parseMasterKey(`test-key:${randomBytes(32).toString('base64')}`);
      const root = { accessKey: 'rootadmin', secretKey: 'rootadmin-secret' };
      const [a, b] = await Promise.all([
        IamService.open({ store: one, masterKey, root }),
        IamService.open({ store: two, masterKey, root }),
      ]);
      await a.users.create('', { name: 'alice', secretKey: 'alice-secret' });
      expect((await b.lookupCredential('alice'))?.secretKey).toBe('alice-secret'); // cached in b
      b.startChangeFeed(600_000); // the interval alone would not poll during this test
      const deadline = Date.now() + 15_000;
      // The listener connects asynchronously: a change before it listens is seen only by polling.
      let disabled = false;
      while (Date.now() < deadline) {
        await a.users.setStatus('', 'alice', disabled ? 'enabled' : 'disabled');
        disabled = !disabled;
        await new Promise((r) => setTimeout(r, 300));
        if (disabled && (await b.lookupCredential('alice')) === undefined) break;
      }
      expect(disabled).toBe(true);
      expect(await b.lookupCredential('alice')).toBeUndefined();
      a.close();
      b.close();
      await Promise.all([one.close(), two.close()]);
    });

    it('a writer that waits past the lock timeout gets SlowDown; reads do not wait', async () => {
      const url = await cluster!.createDatabase('locked');
      const store = await PgIamStore.open({ url, lockTimeoutMs: 200 });
      await store.createUser(user('alice'));
      const holder = new pg.Client(url);
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT seq FROM iam_feed_head WHERE id = 1 FOR UPDATE'); // another writer, stuck
      await expectCode(store.createUser(user('bob')), 'SlowDown');
      expect((await store.getUser('', 'alice'))?.name).toBe('alice');
      await holder.query('ROLLBACK');
      await holder.end();
      await store.createUser(user('bob'));
      expect((await store.changesSince(0)).changes.map((c) => c.name)).toEqual(['alice', 'bob']);
      await store.close();
    });

    it('keeps working after the database drops its connections (a restart, a failover)', async () => {
      const url = await cluster!.createDatabase('dropped');
      const store = await PgIamStore.open({ url, poolSize: 3 });
      await Promise.all([store.createUser(user('alice')), store.createUser(user('bob'))]);
      const admin = new pg.Client(url);
      await admin.connect();
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tessera-iam' AND datname = current_database()",
      );
      await admin.end();
      await new Promise((r) => setTimeout(r, 100));
      let after: unknown;
      for (let i = 0; i < 5 && after === undefined; i++) {
        // A connection killed while idle is dropped by the pool; one killed mid-query says SlowDown.
        after = await store.getUser('', 'alice').catch((e: { code?: string }) => {
          expect(e.code).toBe('SlowDown');
          return undefined;
        });
      }
      expect(after).toMatchObject({ name: 'alice' });
      await store.createUser(user('carol'));
      expect((await store.listUsers('')).map((u) => u.name)).toEqual(['alice', 'bob', 'carol']);
      await store.close();
    });

    it('connects over TLS when asked, verifying the server certificate', async () => {
      const url = await cluster!.createDatabase('tls');
      const ca = readFileSync(cluster!.caFile!, 'utf8');
      const store = await PgIamStore.open({ url, ssl: { ca }, poolSize: 2 });
      await store.createUser(user('alice'));
      const admin = new pg.Client(url);
      await admin.connect();
      const { rows } = await admin.query(
        `SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
         WHERE a.application_name = 'tessera-iam' AND a.datname = current_database()`,
      );
      await admin.end();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.ssl === true)).toBe(true);
      await store.close();
      // The URL's sslmode works too; without the test CA, the server's certificate is refused.
      await (await PgIamStore.open({ url: `${url}?sslmode=no-verify` })).close();
      await expect(PgIamStore.open({ url, ssl: true })).rejects.toThrow(/certificate/);
    });

    it('refuses text PostgreSQL cannot hold (NUL) with InvalidInput, and LDAP feed names keep theirs', async () => {
      const store = await PgIamStore.open({ url: await cluster!.createDatabase('nul') });
      await expectCode(store.createUser(user('a\u0000b')), 'InvalidInput');
      await store.putLdapUser({
        directory: 'corp',
        dn: 'uid=x,dc=example',
        account: '',
        username: 'x',
        userName: 'x',
        groupDns: [],
        state: 'active',
        suspended: false,
      });
      expect((await store.changesSince(0)).changes.map((c) => c.name)).toEqual([
        'corp\u0000uid=x,dc=example',
      ]);
      await store.close();
    });

    it('a bounded pool: more concurrent calls than connections all complete', async () => {
      const url = await cluster!.createDatabase('pool');
      const store = await PgIamStore.open({ url, poolSize: 2 });
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.createUser(user(`u${i}`))));
      const reads = await Promise.all(Array.from({ length: 20 }, (_, i) => store.getUser('', `U${i}`)));
      expect(reads.every((u) => u !== undefined)).toBe(true);
      const c = new pg.Client(url);
      await c.connect();
      const { rows } = await c.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tessera-iam'",
      );
      await c.end();
      expect(rows[0].n).toBeLessThanOrEqual(2);
      await store.close();
    });
  });
});
