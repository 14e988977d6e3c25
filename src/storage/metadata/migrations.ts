/**
 * The SQLite schema, as an ordered list of migrations. `PRAGMA user_version` records the last
 * one applied. To change the schema, append a migration (never edit a released one).
 *
 * Conventions: every entity carries its owning `account` (docs/architecture.md; '' is the default
 * account); keys are TEXT compared with BINARY collation, i.e. memcmp of UTF-8, which is S3's
 * order; times are integer epoch milliseconds; small maps and lists are JSON text.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'buckets, objects, object blob references, multipart uploads and parts',
    sql: `
      CREATE TABLE buckets (
        name TEXT PRIMARY KEY,
        account TEXT NOT NULL DEFAULT '',
        region TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        tags TEXT
      ) STRICT;
      CREATE INDEX buckets_by_account ON buckets (account, name);

      -- Rowid table: inline bytes stay out of the key index; columns that listings read come
      -- first so that SQLite does not load the overflow pages of inline data to list.
      CREATE TABLE objects (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL DEFAULT '',
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        content_type TEXT,
        headers TEXT NOT NULL,
        user_metadata TEXT NOT NULL,
        tags TEXT NOT NULL,
        checksum TEXT,
        parts TEXT,
        segments TEXT,
        inline_data BLOB,
        UNIQUE (bucket, key)
      ) STRICT;

      -- Which objects reference which blobs: answers "is this blob still referenced?"
      CREATE TABLE object_blobs (
        blob_id TEXT NOT NULL,
        object_id INTEGER NOT NULL,
        account TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (blob_id, object_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX object_blobs_by_object ON object_blobs (object_id);

      CREATE TABLE uploads (
        upload_id TEXT PRIMARY KEY,
        account TEXT NOT NULL DEFAULT '',
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        initiated_at INTEGER NOT NULL,
        content_type TEXT,
        headers TEXT NOT NULL,
        user_metadata TEXT NOT NULL,
        tags TEXT NOT NULL,
        checksum_algorithm TEXT,
        checksum_type TEXT
      ) STRICT;
      CREATE INDEX uploads_by_key ON uploads (bucket, key, initiated_at, upload_id);

      CREATE TABLE parts (
        upload_id TEXT NOT NULL,
        part_number INTEGER NOT NULL,
        account TEXT NOT NULL DEFAULT '',
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        checksum TEXT,
        last_modified INTEGER NOT NULL,
        blob_id TEXT NOT NULL,
        PRIMARY KEY (upload_id, part_number)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX parts_by_blob ON parts (blob_id);
    `,
  },
  {
    version: 2,
    description: 'IAM: users, groups, policies and versions, attachments, service accounts, change feed',
    // Names are unique per account without regard to case (NOCASE; IAM names are ASCII).
    sql: `
      CREATE TABLE iam_users (
        account TEXT NOT NULL,
        name TEXT NOT NULL COLLATE NOCASE,
        id TEXT NOT NULL,
        access_key TEXT NOT NULL UNIQUE,
        secret TEXT,
        status TEXT NOT NULL,
        tags TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account, name)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE iam_groups (
        account TEXT NOT NULL,
        name TEXT NOT NULL COLLATE NOCASE,
        id TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account, name)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE iam_group_members (
        account TEXT NOT NULL,
        group_name TEXT NOT NULL COLLATE NOCASE,
        user_name TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (account, group_name, user_name)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX iam_group_members_by_user ON iam_group_members (account, user_name);

      CREATE TABLE iam_policies (
        account TEXT NOT NULL,
        name TEXT NOT NULL COLLATE NOCASE,
        id TEXT NOT NULL,
        description TEXT,
        default_version TEXT NOT NULL,
        next_version INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account, name)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE iam_policy_versions (
        account TEXT NOT NULL,
        policy TEXT NOT NULL COLLATE NOCASE,
        version_id TEXT NOT NULL,
        document TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (account, policy, version_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE iam_attachments (
        account TEXT NOT NULL,
        entity_kind TEXT NOT NULL,
        entity TEXT NOT NULL COLLATE NOCASE,
        policy TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (account, entity_kind, entity, policy)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX iam_attachments_by_policy ON iam_attachments (account, policy);

      CREATE TABLE iam_inline_policies (
        account TEXT NOT NULL,
        entity_kind TEXT NOT NULL,
        entity TEXT NOT NULL COLLATE NOCASE,
        name TEXT NOT NULL COLLATE NOCASE,
        document TEXT NOT NULL,
        PRIMARY KEY (account, entity_kind, entity, name)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE iam_service_accounts (
        access_key TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        secret TEXT NOT NULL,
        parent_type TEXT NOT NULL,
        parent TEXT NOT NULL COLLATE NOCASE,
        policy TEXT,
        expires_at INTEGER,
        name TEXT,
        description TEXT,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX iam_service_accounts_by_parent ON iam_service_accounts (account, parent_type, parent);

      CREATE TABLE iam_bucket_policies (
        bucket TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        document TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      -- The change feed: AUTOINCREMENT so that a sequence number is never reused after pruning.
      CREATE TABLE iam_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        account TEXT NOT NULL,
        name TEXT NOT NULL,
        at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX iam_changes_by_time ON iam_changes (at);

      CREATE TABLE iam_meta (
        key TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description:
      'objects: one row per version, (bucket, key, version_id) unique, an is_latest flag (S3: IsLatest)',
    // A table constraint cannot be dropped in SQLite, so the table is rebuilt (row ids kept:
    // object_blobs refers to them). Every existing row is the 'null' version and current.
    //  - objects_by_version addresses one version (GET ?versionId=, DeleteObject ?versionId=);
    //  - objects_latest holds one entry per key, its current version: it keeps "one current
    //    version per key" and is the (bucket, key) index listings range-scan, as the UNIQUE
    //    (bucket, key) index did, so a listing never sees a key twice;
    //  - versions of one key order by id (a later commit gets a larger id), newest first;
    //  - delete_marker: a version that says "deleted" (versioning-enabled buckets, later).
    // Columns a listing or a version lookup reads stay ahead of the large ones (see v1).
    sql: `
      CREATE TABLE objects_v3 (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL DEFAULT '',
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        version_id TEXT NOT NULL,
        is_latest INTEGER NOT NULL DEFAULT 1,
        delete_marker INTEGER NOT NULL DEFAULT 0,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        content_type TEXT,
        headers TEXT NOT NULL,
        user_metadata TEXT NOT NULL,
        tags TEXT NOT NULL,
        checksum TEXT,
        parts TEXT,
        segments TEXT,
        inline_data BLOB
      ) STRICT;
      INSERT INTO objects_v3 (id, account, bucket, key, version_id, is_latest, delete_marker, size, etag,
          last_modified, content_type, headers, user_metadata, tags, checksum, parts, segments, inline_data)
        SELECT id, account, bucket, key, 'null', 1, 0, size, etag,
          last_modified, content_type, headers, user_metadata, tags, checksum, parts, segments, inline_data
        FROM objects;
      DROP TABLE objects;
      ALTER TABLE objects_v3 RENAME TO objects;
      CREATE UNIQUE INDEX objects_by_version ON objects (bucket, key, version_id);
      CREATE UNIQUE INDEX objects_latest ON objects (bucket, key) WHERE is_latest = 1;
    `,
  },
  {
    version: 4,
    description:
      'versioning: bucket versioning state, listings skip delete markers, versions ordered newest first',
    //  - buckets.versioning: NULL (never configured: every write is the 'null' version, as
    //    before), 'Enabled' or 'Suspended' (S3: a bucket never returns to NULL);
    //  - objects_current takes over "one current version per key" (delete markers included);
    //  - objects_latest becomes the index listings scan: current versions that are not delete
    //    markers, so a key whose current version is a delete marker costs a listing nothing;
    //  - objects_versions: a key's versions newest first (a later commit gets a larger id), the
    //    order of ListObjectVersions and of "which version becomes current" after a delete.
    sql: `
      ALTER TABLE buckets ADD COLUMN versioning TEXT;
      DROP INDEX objects_latest;
      CREATE UNIQUE INDEX objects_current ON objects (bucket, key) WHERE is_latest = 1;
      CREATE UNIQUE INDEX objects_latest ON objects (bucket, key) WHERE is_latest = 1 AND delete_marker = 0;
      CREATE INDEX objects_versions ON objects (bucket, key, id DESC);
    `,
  },
  {
    version: 5,
    description:
      'object lock (bucket flag, per-version and per-upload lock state), bucket configuration documents',
    //  - object_lock on objects and uploads: JSON {mode, retainUntil, legalHold}, NULL when none;
    //  - bucket_configs: one document per (bucket, kind): lifecycle, object-lock default retention.
    sql: `
      ALTER TABLE buckets ADD COLUMN object_lock INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE objects ADD COLUMN object_lock TEXT;
      ALTER TABLE uploads ADD COLUMN object_lock TEXT;
      CREATE TABLE bucket_configs (
        bucket TEXT NOT NULL,
        kind TEXT NOT NULL,
        account TEXT NOT NULL DEFAULT '',
        document TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (bucket, kind)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    description: 'IAM roles',
    // IAM roles (docs/iam.md "Roles"): their inline policies and attachments live in
    // iam_inline_policies / iam_attachments with entity_kind 'role'.
    sql: `
      CREATE TABLE iam_roles (
        account TEXT NOT NULL,
        name TEXT NOT NULL COLLATE NOCASE,
        id TEXT NOT NULL,
        path TEXT NOT NULL,
        trust_policy TEXT NOT NULL,
        description TEXT,
        max_session_duration INTEGER NOT NULL,
        tags TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account, name)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    description: 'objects: a damage mark (tessera admin scan --quarantine)',
    // NULL for every intact version; the finding's text for a quarantined one, which GET, HEAD
    // and CopyObject then answer with InternalError instead of its bytes (docs/operations.md).
    sql: `
      ALTER TABLE objects ADD COLUMN damage TEXT;
    `,
  },
  {
    version: 8,
    description: 'IAM OpenID Connect providers',
    // IAM OIDC providers (docs/openid.md "IAM OIDC providers"): `url` is the issuer without
    // `https://` (the ARN's `oidc-provider/<url>`), host lower-cased; lists and tags are JSON.
    sql: `
      CREATE TABLE iam_oidc_providers (
        account TEXT NOT NULL,
        url TEXT NOT NULL,
        client_ids TEXT NOT NULL,
        thumbprints TEXT NOT NULL,
        tags TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account, url)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    description: 'IAM session revocations',
    // docs/sts.md "Revocation": session '' is a parent's "valid after" time (its sessions issued
    // before `at` stop working); any other session is one session id or temporary access key,
    // kept until `expires_at` (when the session has expired anyway; the list is capped).
    sql: `
      CREATE TABLE iam_revocations (
        account TEXT NOT NULL,
        parent TEXT NOT NULL,
        session TEXT NOT NULL,
        at INTEGER NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (parent, session)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 10,
    description: 'CRC-32 of each part blob (objects keep theirs in the segments JSON)',
    // docs/operations.md "Damaged data": a read of a whole blob checks its CRC-32, recorded when
    // it was written (NULL for parts uploaded before: their MD5, the part's ETag, is checked).
    sql: `
      ALTER TABLE parts ADD COLUMN crc32 INTEGER;
    `,
  },
  {
    version: 11,
    description: 'ACLs of object versions and of multipart uploads',
    // docs/acl.md: JSON {owner, grants}; NULL is the default ACL (the owner has FULL_CONTROL),
    // which every version written without ACL headers keeps. Bucket ACLs are bucket_configs 'acl'.
    sql: `
      ALTER TABLE objects ADD COLUMN acl TEXT;
      ALTER TABLE uploads ADD COLUMN acl TEXT;
    `,
  },
  {
    version: 12,
    description: 'IAM: accounts (tenants) with their root credentials',
    // docs/accounts.md: the default account ('') is not a row; its root is the configured root user.
    sql: `
      CREATE TABLE iam_accounts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        root_access_key TEXT NOT NULL UNIQUE,
        root_secret TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 13,
    description: 'IAM: LDAP DN-to-policy mappings, LDAP users seen, the directory sync lease',
    // docs/ldap.md: DNs are stored normalized (RFC 4514, core/ldap-dn.ts); group_dns is a JSON
    // array; state is active | missing | disabled; the lease row names the process syncing.
    sql: `
      CREATE TABLE iam_ldap_mappings (
        account TEXT NOT NULL,
        kind TEXT NOT NULL,
        dn TEXT NOT NULL,
        policy TEXT NOT NULL COLLATE NOCASE,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (account, kind, dn, policy)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE iam_ldap_users (
        directory TEXT NOT NULL,
        dn TEXT NOT NULL,
        account TEXT NOT NULL,
        username TEXT NOT NULL,
        user_name TEXT NOT NULL COLLATE NOCASE,
        group_dns TEXT NOT NULL,
        state TEXT NOT NULL,
        suspended INTEGER NOT NULL,
        last_login INTEGER,
        last_sync INTEGER,
        PRIMARY KEY (directory, dn)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX iam_ldap_users_by_user ON iam_ldap_users (account, user_name);
      CREATE TABLE iam_ldap_sync_lease (
        id INTEGER PRIMARY KEY,
        holder TEXT NOT NULL,
        until INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 14,
    description: 'server-side encryption of object versions and multipart uploads, KMS key names',
    // docs/encryption.md: JSON {algorithm, keyId?, context?, sealedKey}; NULL for plain bytes.
    // Bucket default encryption is bucket_configs 'encryption'. kms_keys: the built-in KMS's
    // named keys (their key material is derived from the master key, never stored).
    sql: `
      ALTER TABLE objects ADD COLUMN sse TEXT;
      ALTER TABLE uploads ADD COLUMN sse TEXT;
      CREATE TABLE kms_keys (
        name TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
];
