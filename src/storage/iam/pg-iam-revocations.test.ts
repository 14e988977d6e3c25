import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Postgres, postgresMissing, startPostgres } from '../../../test/helpers/postgres.js';
import { decodeParent, encodeParent } from './pg-iam-revocations.js';
import { PgIamStore } from './pg-iam-store.js';

// Revocation keys hold NUL (iam/revocations.ts), which PostgreSQL text cannot: stored escaped.
const missing = postgresMissing();

describe('revocation key encoding', () => {
  it('is reversible and never holds NUL', () => {
    for (const key of [
      '\u0000alice',
      'role\u0000acct\u0000deploy',
      'x\\0\u0000y\\',
      '\\\u0000\\\\0',
      'plain',
    ]) {
      const stored = encodeParent(key);
      expect(stored).not.toContain('\u0000');
      expect(decodeParent(stored)).toBe(key);
    }
    // Distinct keys stay distinct.
    expect(encodeParent('a\u0000')).not.toBe(encodeParent('a\\0'));
  });
});

describe.skipIf(missing !== undefined)('PgIamStore revocations with NUL-separated keys', () => {
  let cluster: Postgres;
  let store: PgIamStore;
  beforeAll(async () => {
    cluster = await startPostgres();
    store = await PgIamStore.open({ url: await cluster.createDatabase('revocations'), poolSize: 2 });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await cluster?.stop();
  });

  it('stores, replaces and lists a user’s and a role’s revocation', async () => {
    const now = Date.now();
    const opts = { maxSessions: 10, now };
    await store.putRevocation({ account: '', parent: '\u0000alice', session: '', at: now }, opts);
    await store.putRevocation({ account: '', parent: 'role\u0000\u0000deploy', session: '', at: now }, opts);
    await store.putRevocation({ account: '', parent: '\u0000alice', session: '', at: now + 5 }, opts);
    await store.putRevocation(
      { account: '', parent: '\u0000alice', session: 'ASIA1', at: now, expiresAt: now + 60_000 },
      opts,
    );
    const listed = await store.listRevocations(now);
    expect(listed.map((r) => [r.parent, r.session, r.at])).toEqual(
      expect.arrayContaining([
        ['\u0000alice', '', now + 5],
        ['\u0000alice', 'ASIA1', now],
        ['role\u0000\u0000deploy', '', now],
      ]),
    );
    expect(listed).toHaveLength(3);
  });
});
