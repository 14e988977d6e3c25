import { describe, expect, it } from 'vitest';
import type { IamFeedChange, IamStore } from '../iam/types.js';
import { group, type OpenStore, policy, serviceAccount, user, useStore } from './iam-fixtures.js';

const brief = (changes: IamFeedChange[]) => changes.map((c) => `${c.kind}:${c.account}:${c.name}`);

/**
 * The ChangeFeedStore contract: one entry per mutation of any port, in commit order, prunable.
 * @example runChangeFeedContract('sqlite', async () => new SqliteIamStore(tempFile()));
 */
export function runChangeFeedContract(name: string, open: OpenStore<IamStore>): void {
  describe(`ChangeFeedStore contract: ${name}`, () => {
    const get = useStore(open);

    it('records every mutation with its kind, account and name, in order', async () => {
      const s = get();
      const start = await s.latestChangeSeq();
      await s.createUser(user('alice', 'acct'));
      await s.createGroup(group('devs', 'acct'));
      await s.addGroupMember('acct', 'devs', 'alice');
      await s.createPolicy(policy('p', 'acct'), '{}');
      await s.attachPolicy('acct', 'group', 'devs', 'p', false);
      await s.createServiceAccount(serviceAccount('KEY01234567890123456', 'alice', 'acct'));
      await s.putBucketPolicy({ bucket: 'b', account: 'acct', document: '{}', updatedAt: 1 });
      await s.deleteUser('acct', 'alice', { cascade: true });
      const { changes, reset } = await s.changesSince(start);
      expect(reset).toBe(false);
      expect(brief(changes)).toEqual([
        'user:acct:alice',
        'group:acct:devs',
        'group:acct:devs',
        'user:acct:alice',
        'policy:acct:p',
        'group:acct:devs',
        'serviceAccount:acct:KEY01234567890123456',
        'bucketPolicy:acct:b',
        'serviceAccount:acct:KEY01234567890123456',
        'user:acct:alice',
      ]);
      const seqs = changes.map((c) => c.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(await s.latestChangeSeq()).toBe(seqs.at(-1));
      expect(brief((await s.changesSince(seqs[7]!, 1)).changes)).toEqual([
        'serviceAccount:acct:KEY01234567890123456',
      ]);
    });

    it('a failed mutation records nothing', async () => {
      const s = get();
      await s.createUser(user('alice'));
      const seq = await s.latestChangeSeq();
      await expect(s.createUser(user('alice'))).rejects.toThrow();
      expect((await s.changesSince(seq)).changes).toEqual([]);
    });

    it('prunes old changes, keeps the latest, never reuses a sequence number and flags a reader that missed some', async () => {
      const s = get();
      await s.createUser(user('a'));
      const reader = await s.latestChangeSeq();
      await s.createUser(user('b'));
      await s.createUser(user('c'));
      const latest = await s.latestChangeSeq();
      expect(await s.pruneChanges(Date.now() + 60_000)).toBeGreaterThan(0);
      expect(await s.latestChangeSeq()).toBe(latest);
      const behind = await s.changesSince(reader);
      expect(behind.reset).toBe(true);
      expect(brief(behind.changes)).toEqual(['user::c']);
      expect((await s.changesSince(latest)).reset).toBe(false);
      expect(await s.pruneChanges(Date.now() + 60_000)).toBe(0); // the latest stays
      await s.createUser(user('d'));
      const { changes } = await s.changesSince(latest);
      expect(changes.map((c) => c.seq)).toEqual([latest + 1]);
    });
  });
}
