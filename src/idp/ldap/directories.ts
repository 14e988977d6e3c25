/**
 * The LdapDirectories port over every configured directory: a `<directory>\<username>` prefix
 * selects one; otherwise all are searched and exactly one must know the user.
 */
import { readFileSync } from 'node:fs';
import { TesseraError, withReason } from '../../core/index.js';
import type { LdapDirectoryConfig } from './config.js';
import { Directory, INVALID_LOGIN } from './directory.js';
import { endpointOf } from './pool.js';
import type { UserEntry } from './search.js';
import type { LdapDirectories, LdapLogin } from './types.js';

export interface LdapDirectoriesOptions {
  /** Reads a CA file (readFileSync by default); read once, when the directories are created. */
  readFile?: (path: string) => string;
}

/** Longest username accepted (bytes of UTF-8), checked before anything is sent. */
export const MAX_USERNAME_BYTES = 512;

function denied(reason: string, message = INVALID_LOGIN): TesseraError {
  return withReason(new TesseraError('AccessDenied', message), reason);
}

/**
 * The directories of `configs` (parseLdapConfig), connected lazily (nothing is sent before the
 * first call). Throws an Error naming the variable when a CA file cannot be read. Close with
 * `close()`.
 * @example const dirs = createLdapDirectories(parseLdapConfig(process.env)); await dirs.login('alice', 'pw'); await dirs.close();
 */
export function createLdapDirectories(
  configs: readonly LdapDirectoryConfig[],
  opts: LdapDirectoriesOptions = {},
): LdapDirectories & { readonly connections: () => Record<string, { lookup: number; binds: number }> } {
  const read = opts.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const byName = new Map<string, Directory>();
  for (const c of configs) {
    if (byName.has(c.name)) throw new Error(`two LDAP configurations are named ${c.name}`);
    let ca: string | undefined;
    if (c.caFile !== undefined) {
      try {
        ca = read(c.caFile);
      } catch (e) {
        throw new Error(
          `TESSERA_IDENTITY_LDAP_TLS_CA_FILE${c.name === 'default' ? '' : `_${c.name.toUpperCase()}`}: cannot read ${c.caFile} (${(e as Error).message})`,
        );
      }
    }
    byName.set(c.name, new Directory(c, endpointOf(c, ca)));
  }
  const names = [...byName.keys()].sort((a, b) =>
    a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b),
  );
  const all = names.map((n) => byName.get(n)!);

  const named = (directory: string): Directory => {
    const d = byName.get(directory.toLowerCase());
    if (d === undefined)
      throw new TesseraError(
        'InvalidParameterValue',
        `No LDAP directory is named ${JSON.stringify(directory)}.`,
      );
    return d;
  };

  const checkUsername = (username: string): void => {
    if (typeof username !== 'string' || username === '')
      throw denied('empty-username', 'An empty username is not accepted.');
    if (Buffer.byteLength(username) > MAX_USERNAME_BYTES)
      throw denied('long-username', `The username is longer than ${MAX_USERNAME_BYTES} bytes.`);
  };

  /** The directory (and the user in it) a username selects. */
  const locate = async (
    username: string,
  ): Promise<{ dir: Directory; name: string; user: UserEntry | undefined }> => {
    checkUsername(username);
    const slash = username.indexOf('\\');
    if (slash > 0) {
      const prefix = username.slice(0, slash);
      const name = username.slice(slash + 1);
      const dir = byName.get(prefix.toLowerCase());
      if (dir === undefined)
        throw denied(
          'unknown-directory',
          `No LDAP directory is named ${JSON.stringify(prefix.slice(0, 64))}.`,
        );
      checkUsername(name);
      return { dir, name, user: await dir.find(name) };
    }
    if (all.length === 0) throw denied('no-directory', 'No LDAP directory is configured.');
    const results = await Promise.allSettled(all.map((d) => d.find(username)));
    const hits: { dir: Directory; user: UserEntry }[] = [];
    for (const [i, r] of results.entries()) {
      if (r.status === 'rejected') throw r.reason;
      if (r.value !== undefined) hits.push({ dir: all[i]!, user: r.value });
    }
    if (hits.length > 1)
      throw denied(
        'several-directories',
        `The username is known to several LDAP directories (${hits.map((h) => h.dir.name).join(', ')}): prefix it with one, as <directory>\\<username>.`,
      );
    const hit = hits[0];
    return hit === undefined
      ? { dir: all[0]!, name: username, user: undefined }
      : { dir: hit.dir, name: username, user: hit.user };
  };

  return {
    names: Object.freeze(names),
    async login(username: string, password: string): Promise<LdapLogin> {
      if (typeof password !== 'string' || password === '')
        throw denied('empty-password', 'An empty password is not accepted.');
      const { dir, name, user } = await locate(username);
      if (user === undefined) throw denied('unknown-user');
      return dir.loginAs(name, user, password);
    },
    async lookupUser(directory, userDn) {
      return named(directory).lookupUser(userDn);
    },
    async findUser(directory, username) {
      const dir = named(directory);
      checkUsername(username);
      const user = await dir.find(username);
      return user === undefined ? undefined : dir.result(username, user);
    },
    async check(directory, username) {
      return named(directory).check(username);
    },
    async close() {
      await Promise.all(all.map((d) => d.close()));
    },
    connections: () => Object.fromEntries(all.map((d) => [d.name, d.connections])),
  };
}
