import { TesseraError } from '../../core/index.js';
import type { IamRevocationRecord } from './revocation-types.js';
import type { IamDb } from './sqlite-iam-db.js';

interface Row {
  account: string;
  parent: string;
  session: string;
  at: number;
  expires_at: number | null;
}

function record(r: Row): IamRevocationRecord {
  const out: IamRevocationRecord = { account: r.account, parent: r.parent, session: r.session, at: r.at };
  if (r.expires_at !== null) out.expiresAt = r.expires_at;
  return out;
}

/** Inserts or replaces an entry; the list of single sessions is capped (LimitExceeded). */
export function putRevocation(
  d: IamDb,
  r: IamRevocationRecord,
  opts: { maxSessions: number; now: number },
): void {
  d.write(() => {
    d.run("DELETE FROM iam_revocations WHERE session <> '' AND expires_at <= ?", opts.now);
    if (r.session !== '') {
      const exists = d.one<{ n: number }>(
        'SELECT 1 AS n FROM iam_revocations WHERE parent = ? AND session = ?',
        r.parent,
        r.session,
      );
      const live = d.one<{ n: number }>("SELECT count(*) AS n FROM iam_revocations WHERE session <> ''")!.n;
      if (exists === undefined && live >= opts.maxSessions) {
        throw new TesseraError(
          'LimitExceeded',
          `The revocation list is full (${opts.maxSessions} sessions until they expire): revoke all the parent's sessions instead (no SessionId), or raise TESSERA_STS_MAX_REVOCATIONS.`,
        );
      }
    }
    d.run(
      `INSERT INTO iam_revocations (account, parent, session, at, expires_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (parent, session) DO UPDATE SET at = excluded.at, expires_at = excluded.expires_at`,
      r.account,
      r.parent,
      r.session,
      r.at,
      r.expiresAt ?? null,
    );
    d.change('revocation', r.account, r.parent);
  });
}

export function listRevocations(d: IamDb, now: number): IamRevocationRecord[] {
  return d
    .read(() =>
      d.all<Row>(
        "SELECT account, parent, session, at, expires_at FROM iam_revocations WHERE session = '' OR expires_at > ?",
        now,
      ),
    )
    .map(record);
}
