import type { AuditEntry } from './entry.js';
import { readLines } from './lines.js';

/**
 * `queryFiles(paths, filter)`: the audit entries of files that match a filter, streamed line by
 * line. A line is only parsed when it contains the filter's literal strings, so a search over a
 * million entries takes seconds (docs/audit.md "Querying").
 */
export interface AuditFilter {
  /** An access key, parent user, or principal ARN (exact), or a part of an ARN. */
  principal?: string;
  accessKey?: string;
  /** The API name (GetObject, CreateUser) or an IAM action checked (s3:GetObject), case-insensitive. */
  action?: string;
  bucket?: string;
  /** Objects whose key starts with this. */
  objectPrefix?: string;
  decision?: 'allow' | 'deny' | 'none';
  /** The authorization reason (explicitDeny, implicitDeny, …) or the authentication failure reason. */
  reason?: string;
  /** ISO times, inclusive. */
  since?: string;
  until?: string;
}

/** An entry as stored: with its chain fields. */
export type StoredEntry = AuditEntry & { stream: string; seq: number; prevHash: string };

/** Literal strings any matching line must contain (as JSON writes them), to skip the rest unparsed. */
function needles(f: AuditFilter): string[] {
  const lit = (v: string) => JSON.stringify(v).slice(1, -1);
  const out: string[] = [];
  for (const v of [f.principal, f.accessKey, f.bucket, f.objectPrefix, f.reason]) if (v) out.push(lit(v));
  if (f.decision) out.push(`"decision":"${f.decision}"`);
  return out;
}

function timeOf(iso: string | undefined, name: string): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`${name} must be an ISO time (got "${iso}")`);
  return t;
}

/** Whether one entry matches the filter (`since`/`until` as epoch ms). */
export function matches(e: StoredEntry, f: AuditFilter, since?: number, until?: number): boolean {
  if (f.principal !== undefined) {
    const p = f.principal;
    const a = e.auth;
    if (a.accessKey !== p && a.parentUser !== p && !(a.principalArn ?? '').includes(p)) return false;
  }
  if (f.accessKey !== undefined && e.auth.accessKey !== f.accessKey) return false;
  if (f.action !== undefined) {
    const want = f.action.toLowerCase();
    const actions = e.authz.actions ?? [];
    if (e.api.name.toLowerCase() !== want && !actions.some((x) => x.toLowerCase() === want)) return false;
  }
  if (f.bucket !== undefined && e.api.bucket !== f.bucket) return false;
  if (f.objectPrefix !== undefined && !(e.api.object ?? '').startsWith(f.objectPrefix)) return false;
  if (f.decision !== undefined && e.authz.decision !== f.decision) return false;
  if (f.reason !== undefined && e.authz.reason !== f.reason && e.auth.failureReason !== f.reason)
    return false;
  if (since !== undefined || until !== undefined) {
    const t = Date.parse(e.time);
    if (since !== undefined && t < since) return false;
    if (until !== undefined && t > until) return false;
  }
  return true;
}

/** The matching entries of the files, in file and line order (checkpoints and dropped lines skipped). */
export async function* queryFiles(
  paths: readonly string[],
  filter: AuditFilter = {},
): AsyncGenerator<StoredEntry & { file: string; line: number }> {
  const since = timeOf(filter.since, '--since');
  const until = timeOf(filter.until, '--until');
  const must = needles(filter);
  for (const file of paths) {
    for await (const { n, text } of readLines(file)) {
      if (!must.every((m) => text.includes(m))) continue;
      let e: StoredEntry & { type?: string };
      try {
        e = JSON.parse(text) as StoredEntry & { type?: string };
      } catch {
        continue; // verify reports it
      }
      if (e.type !== undefined || typeof e.api !== 'object' || e.api === null) continue;
      if (matches(e, filter, since, until)) yield { ...e, file, line: n };
    }
  }
}
