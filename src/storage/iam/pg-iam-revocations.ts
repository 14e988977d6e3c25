import { TesseraError } from '../../core/index.js';
import type { PgIamDb } from './pg-iam-db.js';
import type { IamRevocationRecord } from './revocation-types.js';

interface Row {
  account: string;
  parent: string;
  session: string;
  at: number;
  expires_at: number | null;
}

/**
 * A revocation key (iam/revocations.ts) separates its parts with NUL, which PostgreSQL text
 * cannot hold: stored with NUL as `\0` and `\` as `\\` (reversible; no stored key predates it,
 * since every key holds a NUL).
 */
export function encodeParent(parent: string): string {
  return parent.replace(/\\/g, '\\\\').replace(/\u0000/g, '\\0');
}

export function decodeParent(stored: string): string {
  return stored.replace(/\\(\\|0)/g, (_, c: string) => (c === '0' ? '\u0000' : '\\'));
}

function record(r: Row): IamRevocationRecord {
  const out: IamRevocationRecord = {
    account: r.account,
    parent: decodeParent(r.parent),
    session: r.session,
    at: r.at,
  };
  if (r.expires_at !== null) out.expiresAt = r.expires_at;
  return out;
}

/** Inserts or replaces an entry; the list of single sessions is capped (LimitExceeded). */
export function putRevocation(
  d: PgIamDb,
  r: IamRevocationRecord,
  opts: { maxSessions: number; now: number },
): Promise<void> {
  return d.write(async (tx) => {
    await tx.run("DELETE FROM iam_revocations WHERE session <> '' AND expires_at <= $1", opts.now);
    if (r.session !== '') {
      const exists = await tx.one(
        'SELECT 1 AS n FROM iam_revocations WHERE parent = $1 AND session = $2',
        encodeParent(r.parent),
        r.session,
      );
      const live = (await tx.one<{ n: number }>(
        "SELECT count(*) AS n FROM iam_revocations WHERE session <> ''",
      ))!.n;
      if (exists === undefined && live >= opts.maxSessions) {
        throw new TesseraError(
          'LimitExceeded',
          `The revocation list is full (${opts.maxSessions} sessions until they expire): revoke all the parent's sessions instead (no SessionId), or raise TESSERA_STS_MAX_REVOCATIONS.`,
        );
      }
    }
    await tx.run(
      `INSERT INTO iam_revocations (account, parent, session, at, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (parent, session) DO UPDATE SET at = excluded.at, expires_at = excluded.expires_at`,
      r.account,
      encodeParent(r.parent),
      r.session,
      r.at,
      r.expiresAt ?? null,
    );
    await tx.change('revocation', r.account, r.parent);
  });
}

export async function listRevocations(d: PgIamDb, now: number): Promise<IamRevocationRecord[]> {
  const rows = await d.all<Row>(
    "SELECT account, parent, session, at, expires_at FROM iam_revocations WHERE session = '' OR expires_at > $1 ORDER BY parent, session",
    now,
  );
  return rows.map(record);
}
