import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type AuditFilter, fileLayout, queryFiles, type StoredEntry } from '../../audit/index.js';
import { TesseraError } from '../../core/index.js';
import type { S3Response } from '../../s3/index.js';
import type { Exchange, Trace } from '../exchange.js';
import { type AdminAuthorizeOptions, authorizeAdminCall } from './admin-caller.js';

/** `GET /minio/admin/v3/tessera/audit`: Tessera's call under MinIO's admin prefix (docs/console.md). */
export const AUDIT_PATH = '/minio/admin/v3/tessera/audit';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

interface Options extends AdminAuthorizeOptions {
  /** TESSERA_AUDIT_FILE (docs/audit.md "File target"); undefined: no file target. */
  auditFile: string | undefined;
}

/** The file target's files (every node's stream, rotated ones included). */
function auditFiles(path: string): string[] {
  const { dir, base, ext } = fileLayout(path);
  try {
    return readdirSync(dir)
      .filter((f) => f.startsWith(`${base}-`) && f.endsWith(ext))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

function isoParam(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (Number.isNaN(Date.parse(v))) throw new TesseraError('InvalidArgument', `${name} must be an ISO time.`);
  return v;
}

/** The query's filters: principal, accessKey, action, bucket, decision (Allow|Deny), since, until. */
function filterOf(q: URLSearchParams): AuditFilter {
  const f: AuditFilter = {};
  for (const name of ['principal', 'accessKey', 'action', 'bucket'] as const) {
    const v = q.get(name);
    if (v !== null && v !== '') f[name] = v;
  }
  const decision = q.get('decision');
  if (decision !== null && decision !== '') {
    const d = decision.toLowerCase();
    if (d !== 'allow' && d !== 'deny')
      throw new TesseraError('InvalidArgument', 'decision must be Allow or Deny.');
    f.decision = d;
  }
  const since = isoParam(q, 'since');
  const until = isoParam(q, 'until');
  if (since !== undefined) f.since = since;
  if (until !== undefined) f.until = until;
  return f;
}

function limitOf(q: URLSearchParams): number {
  const v = q.get('limit');
  if (v === null || v === '') return DEFAULT_LIMIT;
  const n = Number(v);
  if (!/^\d{1,4}$/.test(v) || n < 1 || n > MAX_LIMIT)
    throw new TesseraError('InvalidArgument', `limit must be an integer from 1 to ${MAX_LIMIT}.`);
  return n;
}

/**
 * The audit trail of the file target, filtered, newest first: `{configured, entries, truncated}`
 * (docs/console.md). Entries still queued in memory appear once written (within a moment).
 */
export async function serveAuditQuery(o: Options, x: Exchange, trace: Trace): Promise<S3Response> {
  trace.operation = 'TesseraAuditQuery';
  if ((x.req.method ?? 'GET') !== 'GET') throw new TesseraError('MethodNotAllowed');
  // admin:ServerTrace (as `mc admin trace`); only the default account's principals read it.
  await authorizeAdminCall(o, x, trace, 'admin:ServerTrace', '*');
  const filter = filterOf(x.query);
  const limit = limitOf(x.query);
  const json = (v: unknown): S3Response => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(v),
  });
  if (o.auditFile === undefined) return json({ configured: false, entries: [], truncated: false });
  // The newest `limit` (kept bounded while reading: trimmed whenever twice as many are held).
  let kept: StoredEntry[] = [];
  let matched = 0;
  const newestFirst = (a: StoredEntry, b: StoredEntry) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0);
  for await (const e of queryFiles(auditFiles(o.auditFile), filter)) {
    matched++;
    const { file: _f, line: _l, ...entry } = e;
    kept.push(entry);
    if (kept.length >= 2 * limit) kept = kept.sort(newestFirst).slice(0, limit);
  }
  kept = kept.sort(newestFirst).slice(0, limit);
  return json({ configured: true, entries: kept, truncated: matched > limit });
}
