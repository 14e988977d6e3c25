/**
 * The LDAP / Active Directory port (docs/ldap.md): what STS, the directory sync and the admin
 * commands need from the configured directories. Implemented in this folder (ldapts client,
 * pooled connections with timeouts); the directories return what they proved — never
 * credentials (STS issues those).
 */

/** A user's configured extra attributes (user_dn_attributes): name → values. */
export type LdapAttributes = Readonly<Record<string, readonly string[]>>;

/** What a successful directory login proved. */
export interface LdapLogin {
  /** The configuration's name: `default` without a `_<NAME>` suffix, else the suffix in lower case. */
  readonly directory: string;
  /** The username as given to the directory (without a directory prefix). */
  readonly username: string;
  /** The user's DN, normalized (normalizeDn). */
  readonly userDn: string;
  /** The DNs of the groups the group search found, normalized, sorted, without duplicates. */
  readonly groupDns: readonly string[];
  /** The configured user_dn_attributes the user entry has. */
  readonly attributes: LdapAttributes;
}

/** A user's current standing in its directory (for the directory sync). */
export type LdapUserState =
  | {
      readonly state: 'active';
      readonly groupDns: readonly string[];
      readonly attributes: LdapAttributes;
    }
  /** No entry at that DN, or it no longer matches the user search filter. */
  | { readonly state: 'missing' }
  /** Active Directory's userAccountControl has ACCOUNTDISABLE (0x2) set. */
  | { readonly state: 'disabled' };

/** One step of `tessera admin idp ldap check`. */
export interface LdapCheckStep {
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * The configured directories. Errors are TesseraErrors:
 * - login: `AccessDenied` for an unknown user, several matches, a wrong or empty password, a
 *   directory prefix naming no configuration (the message says which, without the password);
 *   `IDPCommunicationError` when a directory cannot be reached or answers too slowly (the
 *   configured timeout bounds every call: a dead directory never hangs a request).
 * - lookupUser, check: `IDPCommunicationError` as above; `InvalidParameterValue` for an unknown
 *   directory name.
 */
export interface LdapDirectories {
  /** The configuration names, `default` first when configured. */
  readonly names: readonly string[];
  /**
   * Logs `username` in. `username` may name its directory as `<directory>\<username>`; without a
   * prefix every directory is searched and exactly one must know the user.
   */
  login(username: string, password: string): Promise<LdapLogin>;
  /** The user at `userDn` (normalized) in `directory`: its state, groups and attributes now. */
  lookupUser(directory: string, userDn: string): Promise<LdapUserState>;
  /** The user a username names in `directory`, without a password (for admin commands). */
  findUser(directory: string, username: string): Promise<LdapLogin | undefined>;
  /** Connects, binds, runs a sample search (for `username` when given) and reports each step. */
  check(directory: string, username?: string): Promise<readonly LdapCheckStep[]>;
  /** Closes every pooled connection. */
  close(): Promise<void>;
}
