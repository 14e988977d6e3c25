/**
 * LDAP benchmark (issue 15): directory logins per second against a real slapd
 * (test/helpers/slapd.ts) through the pooled LdapDirectories, against a baseline measured in the
 * same run — a fresh connection per login (connect, lookup bind, user search, group search, user
 * bind, unbind), as a client without a pool does — and the login time of a user in 500 groups.
 *
 *   node dist/bench/run.js ldap            # 3 s per case
 *   node dist/bench/run.js --quick ldap    # seconds: proves it works
 *
 * Logins run 8 at a time (the pool's default size), rotating over four users.
 */
import { Client } from 'ldapts';
import { createLdapDirectories, fillFilter, parseLdapConfig } from '../src/idp/ldap/index.js';
import {
  GROUPS_DN,
  LOOKUP_DN,
  LOOKUP_PASSWORD,
  MANY_GROUPS,
  PEOPLE_DN,
  startSlapd,
  USERS,
} from '../test/helpers/slapd.js';

export interface LdapBenchResult {
  readonly pooledPerSecond: number;
  readonly freshPerSecond: number;
  readonly manyP50Ms: number;
  readonly manyP99Ms: number;
  readonly manyLogins: number;
  readonly errors: number;
  readonly concurrency: number;
  readonly seconds: number;
}

const LOGINS = [USERS.alice, USERS.bob, USERS.carol, USERS.eve].map((u) => ({
  username: /^uid=([^,]+)/.exec(u.dn)![1]!,
  password: u.password,
}));
const GROUP_FILTER = '(&(objectClass=groupOfNames)(member=%d))';

/** Logins per second of `login`, `concurrency` at a time for `ms`. */
async function rate(
  login: (i: number) => Promise<void>,
  concurrency: number,
  ms: number,
): Promise<{ perSecond: number; errors: number }> {
  let done = 0;
  let errors = 0;
  let next = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        try {
          await login(next++);
          done++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { perSecond: done / ((performance.now() - start) / 1000), errors };
}

/** One login without a pool: everything on a fresh connection. */
async function freshLogin(url: string, username: string, password: string): Promise<void> {
  const c = new Client({ url, timeout: 5000, connectTimeout: 5000 });
  try {
    await c.bind(LOOKUP_DN, LOOKUP_PASSWORD);
    const { searchEntries } = await c.search(PEOPLE_DN, {
      scope: 'sub',
      filter: fillFilter('(uid=%s)', { username }),
      sizeLimit: 2,
    });
    if (searchEntries.length !== 1) throw new Error('not exactly one user');
    const dn = searchEntries[0]!.dn;
    await c.search(GROUPS_DN, {
      scope: 'sub',
      filter: fillFilter(GROUP_FILTER, { userDn: dn }),
      attributes: ['1.1'],
    });
    await c.bind(dn, password);
  } finally {
    await c.unbind().catch(() => {});
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runLdapBench(opts: {
  quick: boolean;
  log: (line: string) => void;
}): Promise<LdapBenchResult> {
  const seconds = opts.quick ? 0.5 : 3;
  const concurrency = 8;
  const slapd = await startSlapd();
  const dirs = createLdapDirectories(parseLdapConfig(slapd.env()));
  try {
    const pooledLogin = async (i: number) => {
      const u = LOGINS[i % LOGINS.length]!;
      await dirs.login(u.username, u.password);
    };
    const freshOne = (i: number) => {
      const u = LOGINS[i % LOGINS.length]!;
      return freshLogin(slapd.url, u.username, u.password);
    };
    // Warm both paths (the pool fills, the JIT settles), then alternate: fresh, pooled, fresh, pooled.
    await rate(pooledLogin, concurrency, 200);
    await rate(freshOne, concurrency, 200);
    const rounds = opts.quick ? 1 : 2;
    let pooled = 0;
    let fresh = 0;
    let errors = 0;
    for (let r = 0; r < rounds; r++) {
      const f = await rate(freshOne, concurrency, (seconds * 1000) / rounds);
      const p = await rate(pooledLogin, concurrency, (seconds * 1000) / rounds);
      fresh += f.perSecond / rounds;
      pooled += p.perSecond / rounds;
      errors += f.errors + p.errors;
      opts.log(
        `round ${r + 1}: pooled ${p.perSecond.toFixed(0)}/s, fresh connection ${f.perSecond.toFixed(0)}/s`,
      );
    }
    const manyLogins = opts.quick ? 20 : 200;
    const times: number[] = [];
    for (let i = 0; i < manyLogins; i++) {
      const t = performance.now();
      const login = await dirs.login('many', USERS.many.password);
      times.push(performance.now() - t);
      if (login.groupDns.length !== MANY_GROUPS) errors++;
    }
    times.sort((a, b) => a - b);
    return {
      pooledPerSecond: pooled,
      freshPerSecond: fresh,
      manyP50Ms: percentile(times, 50),
      manyP99Ms: percentile(times, 99),
      manyLogins,
      errors,
      concurrency,
      seconds,
    };
  } finally {
    await dirs.close();
    await slapd.stop();
  }
}

export function ldapTables(r: LdapBenchResult): string {
  return [
    `| case (${r.concurrency} concurrent, ${r.seconds} s each) | logins/s | vs fresh connection |`,
    '|---|---:|---:|',
    `| pooled (createLdapDirectories) | ${r.pooledPerSecond.toFixed(0)} | ${(r.pooledPerSecond / r.freshPerSecond).toFixed(2)}× |`,
    `| fresh connection + binds per login | ${r.freshPerSecond.toFixed(0)} | 1.00× |`,
    '',
    `| user in ${MANY_GROUPS} groups (${r.manyLogins} sequential logins, pooled) | p50 | p99 |`,
    '|---|---:|---:|',
    `| login with ${MANY_GROUPS} group DNs | ${r.manyP50Ms.toFixed(1)} ms | ${r.manyP99Ms.toFixed(1)} ms |`,
  ].join('\n');
}
