import type pg from 'pg';
import { latestPgVersion, migratePg, type PgMigration } from '../pg-sql.js';

/**
 * The PostgreSQL IAM schema, as an ordered list of migrations recorded in iam_schema_migrations
 * and applied at open under an advisory lock (several servers may start at once). The meaning
 * mirrors the SQLite IAM tables (metadata/migrations.ts versions 2, 6, 8, 9, 12, 13):
 *  - names unique per account without regard to case: SQLite's COLLATE NOCASE is a unique index
 *    on lower(name) here, every lookup compares lower(); text columns are COLLATE "C", so
 *    ordering is by bytes and lower() folds ASCII only, as NOCASE does;
 *  - access keys global and case-sensitive;
 *  - iam_changes.name is UTF-8 bytes: an LDAP user's change name holds a NUL (text cannot);
 *  - iam_feed_head: the last sequence number issued (kept when every change is pruned, as
 *    sqlite_sequence is), the pruning mark, and the row every writer locks first (pg-iam-db.ts).
 * Plain SQL (no extensions) that PostgreSQL-compatible databases also accept where it costs little.
 */

export const pgIamMigrations: readonly PgMigration[] = [
  {
    version: 1,
    description:
      'IAM: users, groups, policies, attachments, service accounts, bucket policies, roles, OIDC providers, revocations, accounts, LDAP, change feed',
    sql: `
      CREATE TABLE iam_users (
        account TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        id TEXT NOT NULL,
        access_key TEXT COLLATE "C" NOT NULL UNIQUE,
        secret TEXT,
        status TEXT NOT NULL,
        tags TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (account, name)
      );
      CREATE UNIQUE INDEX iam_users_name ON iam_users (account, lower(name));

      CREATE TABLE iam_groups (
        account TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        id TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (account, name)
      );
      CREATE UNIQUE INDEX iam_groups_name ON iam_groups (account, lower(name));

      CREATE TABLE iam_group_members (
        account TEXT COLLATE "C" NOT NULL,
        group_name TEXT COLLATE "C" NOT NULL,
        user_name TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (account, group_name, user_name)
      );
      CREATE UNIQUE INDEX iam_group_members_key ON iam_group_members (account, lower(group_name), lower(user_name));
      CREATE INDEX iam_group_members_by_user ON iam_group_members (account, lower(user_name));

      CREATE TABLE iam_policies (
        account TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        id TEXT NOT NULL,
        description TEXT,
        default_version TEXT COLLATE "C" NOT NULL,
        next_version INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (account, name)
      );
      CREATE UNIQUE INDEX iam_policies_name ON iam_policies (account, lower(name));

      CREATE TABLE iam_policy_versions (
        account TEXT COLLATE "C" NOT NULL,
        policy TEXT COLLATE "C" NOT NULL,
        version_id TEXT COLLATE "C" NOT NULL,
        document TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (account, policy, version_id)
      );
      CREATE UNIQUE INDEX iam_policy_versions_key ON iam_policy_versions (account, lower(policy), version_id);

      CREATE TABLE iam_attachments (
        account TEXT COLLATE "C" NOT NULL,
        entity_kind TEXT COLLATE "C" NOT NULL,
        entity TEXT COLLATE "C" NOT NULL,
        policy TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (account, entity_kind, entity, policy)
      );
      CREATE UNIQUE INDEX iam_attachments_key ON iam_attachments (account, entity_kind, lower(entity), lower(policy));
      CREATE INDEX iam_attachments_by_policy ON iam_attachments (account, lower(policy));

      CREATE TABLE iam_inline_policies (
        account TEXT COLLATE "C" NOT NULL,
        entity_kind TEXT COLLATE "C" NOT NULL,
        entity TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        document TEXT NOT NULL,
        PRIMARY KEY (account, entity_kind, entity, name)
      );
      CREATE UNIQUE INDEX iam_inline_policies_key ON iam_inline_policies (account, entity_kind, lower(entity), lower(name));

      CREATE TABLE iam_service_accounts (
        access_key TEXT COLLATE "C" PRIMARY KEY,
        account TEXT COLLATE "C" NOT NULL,
        secret TEXT NOT NULL,
        parent_type TEXT COLLATE "C" NOT NULL,
        parent TEXT COLLATE "C" NOT NULL,
        policy TEXT,
        expires_at BIGINT,
        name TEXT,
        description TEXT,
        status TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX iam_service_accounts_by_parent ON iam_service_accounts (account, parent_type, lower(parent));

      CREATE TABLE iam_bucket_policies (
        bucket TEXT COLLATE "C" PRIMARY KEY,
        account TEXT COLLATE "C" NOT NULL,
        document TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );

      CREATE TABLE iam_roles (
        account TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        id TEXT NOT NULL,
        path TEXT NOT NULL,
        trust_policy TEXT NOT NULL,
        description TEXT,
        max_session_duration INTEGER NOT NULL,
        tags TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (account, name)
      );
      CREATE UNIQUE INDEX iam_roles_name ON iam_roles (account, lower(name));

      CREATE TABLE iam_oidc_providers (
        account TEXT COLLATE "C" NOT NULL,
        url TEXT COLLATE "C" NOT NULL,
        client_ids TEXT NOT NULL,
        thumbprints TEXT NOT NULL,
        tags TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (account, url)
      );

      CREATE TABLE iam_revocations (
        account TEXT COLLATE "C" NOT NULL,
        parent TEXT COLLATE "C" NOT NULL,
        session TEXT COLLATE "C" NOT NULL,
        at BIGINT NOT NULL,
        expires_at BIGINT,
        PRIMARY KEY (parent, session)
      );

      CREATE TABLE iam_accounts (
        id TEXT COLLATE "C" PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL,
        root_access_key TEXT COLLATE "C" NOT NULL UNIQUE,
        root_secret TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE UNIQUE INDEX iam_accounts_name ON iam_accounts (lower(name));

      CREATE TABLE iam_ldap_mappings (
        account TEXT COLLATE "C" NOT NULL,
        kind TEXT COLLATE "C" NOT NULL,
        dn TEXT COLLATE "C" NOT NULL,
        policy TEXT COLLATE "C" NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (account, kind, dn, policy)
      );
      CREATE UNIQUE INDEX iam_ldap_mappings_key ON iam_ldap_mappings (account, kind, dn, lower(policy));

      CREATE TABLE iam_ldap_users (
        directory TEXT COLLATE "C" NOT NULL,
        dn TEXT COLLATE "C" NOT NULL,
        account TEXT COLLATE "C" NOT NULL,
        username TEXT NOT NULL,
        user_name TEXT COLLATE "C" NOT NULL,
        group_dns TEXT NOT NULL,
        state TEXT NOT NULL,
        suspended BOOLEAN NOT NULL,
        last_login BIGINT,
        last_sync BIGINT,
        PRIMARY KEY (directory, dn)
      );
      CREATE INDEX iam_ldap_users_by_user ON iam_ldap_users (account, lower(user_name));

      CREATE TABLE iam_ldap_sync_lease (
        id INTEGER PRIMARY KEY,
        holder TEXT NOT NULL,
        until BIGINT NOT NULL
      );

      CREATE TABLE iam_changes (
        seq BIGINT PRIMARY KEY,
        kind TEXT NOT NULL,
        account TEXT NOT NULL,
        name BYTEA NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE INDEX iam_changes_by_time ON iam_changes (at);

      CREATE TABLE iam_feed_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq BIGINT NOT NULL,
        pruned_through BIGINT NOT NULL
      );
      INSERT INTO iam_feed_head (id, seq, pruned_through) VALUES (1, 0, 0);
    `,
  },
];

/** Any fixed 64-bit key: the IAM schema's advisory lock ("tessera iam" in ASCII). */
const LOCK_KEY = '8386014213496726893';

/** The schema version this code expects. */
export function pgIamLatestVersion(list: readonly PgMigration[] = pgIamMigrations): number {
  return latestPgVersion(list);
}

/** Applies pending migrations under the schema's advisory lock (pg-sql.ts migratePg). */
export function migratePgIam(pool: pg.Pool, list: readonly PgMigration[] = pgIamMigrations): Promise<number> {
  return migratePg(pool, { lockKey: LOCK_KEY, table: 'iam_schema_migrations', what: 'IAM' }, list);
}
