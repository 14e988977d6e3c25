import {
  createLdapDirectories,
  type LdapDirectories,
  type LdapDirectoryConfig,
  parseLdapConfig,
} from '../idp/index.js';

type Env = Record<string, string | undefined>;

/** The LDAP directories the environment configures (docs/ldap.md); throws naming a bad variable. */
export function ldapSettings(env: Env): readonly LdapDirectoryConfig[] {
  return parseLdapConfig(env);
}

/**
 * The LdapDirectories port over `configs`, when at least one is configured. Nothing is sent
 * before the first login (a directory that is down at startup does not keep the server from
 * starting); a CA file that cannot be read is an Error at once. Close it with `close()`.
 */
export function ldapDirectories(configs: readonly LdapDirectoryConfig[]): LdapDirectories | undefined {
  if (configs.length === 0) return undefined;
  return createLdapDirectories(configs);
}
