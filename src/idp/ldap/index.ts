/**
 * LDAP / Active Directory (docs/ldap.md): settings from the environment and the LdapDirectories
 * port over them.
 */
export {
  DEFAULT_LDAP_POOL_SIZE,
  DEFAULT_LDAP_TIMEOUT_MS,
  type LdapDirectoryConfig,
  parseLdapConfig,
} from './config.js';
export { createLdapDirectories, type LdapDirectoriesOptions, MAX_USERNAME_BYTES } from './directories.js';
export { escapeFilterValue, fillFilter } from './filter.js';
export type {
  LdapAttributes,
  LdapCheckStep,
  LdapDirectories,
  LdapLogin,
  LdapUserState,
} from './types.js';
