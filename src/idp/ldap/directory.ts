/**
 * One configured directory: login (lookup bind → user search → user bind on a dedicated
 * connection → group search), lookupUser, findUser and the admin check.
 */
import { InvalidCredentialsError } from 'ldapts';
import { TesseraError, withReason } from '../../core/index.js';
import type { LdapDirectoryConfig } from './config.js';
import { connect, destroy, isDirectoryAnswer, type LdapEndpoint, LdapPool } from './pool.js';
import { readUser, searchGroups, searchUsers, type UserEntry } from './search.js';
import type { LdapCheckStep, LdapLogin, LdapUserState } from './types.js';

/**
 * The answer to every failed proof of a user (unknown, wrong password, several matches in one
 * directory, disabled, a refused bind): the same words, so that a caller cannot tell which users
 * exist; the audit trail has the precise `reason`.
 */
export const INVALID_LOGIN = 'The LDAP username or password is not valid.';

function denied(reason: string, message = INVALID_LOGIN): TesseraError {
  return withReason(new TesseraError('AccessDenied', message.slice(0, 600)), reason);
}

/** A directory's pools and the operations of the port on it. */
export class Directory {
  /** Lookup-bound connections for searches. */
  private readonly lookup: LdapPool;
  /** Connections used only to bind as users (never to search): a user's bind proves the password. */
  private readonly binds: LdapPool;

  constructor(
    readonly config: LdapDirectoryConfig,
    private readonly ep: LdapEndpoint,
  ) {
    this.lookup = new LdapPool(ep, config.poolSize, {
      dn: config.lookupBindDn,
      password: config.lookupBindPassword,
      lookup: true,
    });
    this.binds = new LdapPool(ep, config.poolSize, undefined);
  }

  get name(): string {
    return this.config.name;
  }

  /** Connections open now (searches, binds). */
  get connections(): { lookup: number; binds: number } {
    return { lookup: this.lookup.connections, binds: this.binds.connections };
  }

  /** The one user `username` names; undefined when none; AccessDenied when several. */
  async find(username: string): Promise<UserEntry | undefined> {
    const users = await searchUsers(this.lookup, this.config, username);
    if (users.length > 1) throw denied('ambiguous-user');
    return users[0];
  }

  /** Proves `password` for `user` by a simple bind as its DN, on a connection used only for binds. */
  async bindAs(user: UserEntry, password: string): Promise<void> {
    // RFC 4513 §5.1.2: a simple bind with a DN and an empty password is an unauthenticated
    // bind, which servers may accept: it must never count as a login.
    if (password === '') throw denied('empty-password', 'An empty password is not accepted.');
    try {
      await this.binds.use('the user bind', (c) => c.bind(user.dn, password));
    } catch (e) {
      if (e instanceof InvalidCredentialsError) throw denied('wrong-password');
      // The directory's words (AD: locked, expired…) are for the audit trail, not the caller.
      if (isDirectoryAnswer(e)) throw denied(`bind-refused: ${e.message.slice(0, 200)}`);
      throw e;
    }
  }

  async groupsOf(user: UserEntry, username: string): Promise<string[]> {
    return searchGroups(this.lookup, this.config, { dn: user.dn, username });
  }

  async loginAs(username: string, user: UserEntry, password: string): Promise<LdapLogin> {
    if (user.disabled) throw denied('user-disabled');
    await this.bindAs(user, password);
    return this.result(username, user);
  }

  async result(username: string, user: UserEntry): Promise<LdapLogin> {
    const groupDns = await this.groupsOf(user, username);
    return Object.freeze({
      directory: this.name,
      username,
      userDn: user.normalizedDn,
      groupDns: Object.freeze(groupDns),
      attributes: user.attributes,
    });
  }

  async lookupUser(userDn: string): Promise<LdapUserState> {
    const user = await readUser(this.lookup, this.config, userDn);
    if (user === undefined) return { state: 'missing' };
    if (user.disabled) return { state: 'disabled' };
    const groupDns = await this.groupsOf(user, user.usernameValue ?? firstRdnValue(user.dn));
    return { state: 'active', groupDns: Object.freeze(groupDns), attributes: user.attributes };
  }

  async check(username?: string): Promise<LdapCheckStep[]> {
    const steps: LdapCheckStep[] = [];
    const step = async (name: string, run: () => Promise<string>): Promise<boolean> => {
      try {
        steps.push({ step: name, ok: true, detail: await run() });
        return true;
      } catch (e) {
        steps.push({ step: name, ok: false, detail: (e as Error).message });
        return false;
      }
    };
    const skip = (name: string, why: string) =>
      steps.push({ step: name, ok: false, detail: `not run: ${why}` });
    const how = this.ep.url.startsWith('ldaps:')
      ? 'TLS'
      : this.config.startTls
        ? 'StartTLS'
        : 'plain, unencrypted';
    const connected = await step('connect', async () => {
      destroy(await connect(this.ep));
      return `connected to ${this.ep.url} (${how})`;
    });
    const bound =
      connected &&
      (await step('lookup bind', async () => {
        destroy(
          await connect(this.ep, {
            dn: this.config.lookupBindDn,
            password: this.config.lookupBindPassword,
            lookup: true,
          }),
        );
        return `bound as ${this.config.lookupBindDn}`;
      }));
    if (!connected) skip('lookup bind', 'could not connect');
    if (!bound) {
      skip('user search', connected ? 'the lookup bind failed' : 'could not connect');
      skip('group search', connected ? 'the lookup bind failed' : 'could not connect');
      return steps;
    }
    let user: UserEntry | undefined;
    const searched = await step('user search', async () => {
      if (username === undefined) {
        const bases = this.config.userBaseDns.join('; ');
        await searchUsers(this.lookup, this.config, '\u0000tessera-check');
        return `searched ${bases} with ${this.config.userFilter} (give a username to look one up)`;
      }
      user = await this.find(username);
      if (user === undefined) throw new Error(`no user matches ${this.config.userFilter} for "${username}"`);
      return `found ${user.normalizedDn}${user.disabled ? ' (disabled)' : ''}`;
    });
    if (this.config.groupFilter === undefined) {
      steps.push({ step: 'group search', ok: true, detail: 'no group search configured' });
    } else if (user === undefined && searched) {
      // No username given: the search itself is what can fail (base DNs, filter, permissions).
      await step('group search', async () => {
        await searchGroups(this.lookup, this.config, {
          dn: 'cn=tessera-check',
          username: '\u0000tessera-check',
        });
        return `searched ${this.config.groupBaseDns.join('; ')} with ${this.config.groupFilter} (give a username to list its groups)`;
      });
    } else if (user === undefined) {
      skip('group search', 'the user search failed');
    } else {
      const u = user;
      await step('group search', async () => {
        const groups = await this.groupsOf(u, username!);
        const shown = groups.slice(0, 5).join('; ');
        return `${groups.length} group(s)${groups.length > 0 ? `: ${shown}${groups.length > 5 ? '; …' : ''}` : ''}`;
      });
    }
    return steps;
  }

  async close(): Promise<void> {
    await Promise.all([this.lookup.close(), this.binds.close()]);
  }
}

/** `uid=alice,ou=people,…` → `alice` (unescaped enough for a filter value). */
function firstRdnValue(dn: string): string {
  const m = /^[^=]+=((?:\\.|[^,+\\])*)/.exec(dn);
  return (m?.[1] ?? '').replace(/\\(.)/g, '$1').trim();
}
