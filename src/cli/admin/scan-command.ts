import type { Command } from 'commander';
import { AdminError, type Connection } from './connection.js';
import { type AdminContext, type JsonOption, processIO, withJson } from './context.js';
import { table } from './table.js';

/** The scan endpoint under MinIO's admin prefix (docs/operations.md "tessera admin scan"). */
const SCAN_PATH = '/minio/admin/v3/tessera/scan';

interface ScanOptions extends JsonOption {
  verifyChecksums?: boolean;
  quarantine?: boolean;
  limit?: string;
}

interface Finding {
  kind: string;
  blobId: string;
  detail: string;
  bucket?: string;
  key?: string;
  versionId?: string;
  uploadId?: string;
  partNumber?: number;
  size?: number;
  modifiedAt?: string;
  quarantined?: boolean;
}

interface Scanned {
  versions: number;
  parts: number;
  blobs: number;
  bytesVerified: number;
}

interface Page {
  marker?: string;
  phase: string;
  progress: number;
  scanned: Scanned;
  findings: Finding[];
}

/** What `--json` prints: the whole scan, every page added up. */
export interface ScanReport {
  bucket?: string;
  verifyChecksums: boolean;
  quarantine: boolean;
  scanned: Scanned;
  damaged: number;
  orphans: number;
  findings: Finding[];
}

function isPage(v: unknown): v is Page {
  const p = v as Page | null;
  return typeof p === 'object' && p !== null && Array.isArray(p.findings) && typeof p.scanned === 'object';
}

/** One progress line: a bar on a terminal (redrawn in place), a plain count otherwise. */
function progressLine(p: Page, total: Scanned, found: number, tty: boolean): string {
  const counts = `${total.versions} versions, ${total.parts} parts, ${total.blobs} blobs, ${found} findings`;
  if (!tty) return `scan: ${p.phase}: ${counts}\n`;
  const width = 24;
  const done = Math.round(Math.min(1, Math.max(0, p.progress)) * width);
  return `\r\x1b[K[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${Math.floor(p.progress * 100)}% ${p.phase}: ${counts}`;
}

async function runScan(
  c: Connection,
  ctx: AdminContext,
  bucket: string | undefined,
  opts: ScanOptions,
): Promise<ScanReport> {
  const tty = ctx.io === processIO && process.stderr.isTTY === true;
  const scanned: Scanned = { versions: 0, parts: 0, blobs: 0, bytesVerified: 0 };
  const findings: Finding[] = [];
  let marker: string | undefined;
  do {
    const params: Record<string, string> = {
      ...(bucket === undefined ? {} : { bucket }),
      ...(opts.verifyChecksums ? { 'verify-checksums': 'true' } : {}),
      ...(opts.quarantine ? { quarantine: 'true' } : {}),
      ...(opts.limit === undefined ? {} : { limit: opts.limit }),
      ...(marker === undefined ? {} : { marker }),
    };
    const page = await c.admin('POST', SCAN_PATH, params);
    if (!isPage(page))
      throw new AdminError('InvalidResponse', 'the server answered something else than a scan page');
    for (const k of ['versions', 'parts', 'blobs', 'bytesVerified'] as const)
      scanned[k] += page.scanned[k] ?? 0;
    findings.push(...page.findings);
    ctx.io.err(progressLine(page, scanned, findings.length, tty));
    marker = page.marker;
  } while (marker !== undefined);
  if (tty) ctx.io.err('\n');
  const orphans = findings.filter((f) => f.kind === 'orphan').length;
  return {
    ...(bucket === undefined ? {} : { bucket }),
    verifyChecksums: opts.verifyChecksums === true,
    quarantine: opts.quarantine === true,
    scanned,
    damaged: findings.length - orphans,
    orphans,
    findings,
  };
}

function where(f: Finding): string {
  if (f.kind === 'orphan') return '-';
  const object = `${f.bucket}/${f.key}`;
  return f.uploadId === undefined
    ? `${object} (version ${f.versionId ?? 'null'})`
    : `${object} (upload ${f.uploadId} part ${f.partNumber})`;
}

function human(r: ScanReport): string {
  const s = r.scanned;
  const summary = `Checked ${s.versions} versions, ${s.parts} upload parts, ${s.blobs} blobs${
    r.verifyChecksums ? ` (${s.bytesVerified} bytes verified)` : ''
  }: ${r.damaged} damaged, ${r.orphans} orphaned blobs.\n`;
  if (r.findings.length === 0) return summary;
  const rows = r.findings.map((f) => [
    f.kind,
    where(f),
    f.blobId,
    f.detail,
    f.kind === 'orphan' ? '-' : f.quarantined ? 'yes' : 'no',
  ]);
  return table(['KIND', 'OBJECT', 'BLOB', 'DETAIL', 'QUARANTINED'], rows) + summary;
}

/**
 * `admin scan ALIAS [BUCKET] [--verify-checksums] [--quarantine] [--json]`: walks every object
 * version and upload part (and, without BUCKET, the blob files) page by page, and reports
 * missing, short, long and altered blobs and orphaned blob files. Exits 2 when it found any.
 */
export function registerScanCommand(admin: Command, ctx: AdminContext): void {
  withJson(
    admin
      .command('scan')
      .description('check stored objects for missing, cut or altered blobs, and find orphaned blob files')
      .argument('<alias>')
      .argument('[bucket]', 'only this bucket (orphaned blobs are looked for only without one)')
      .option(
        '--verify-checksums',
        'read every blob whole and compare its MD5 and checksum with the recorded ones',
      )
      .option('--quarantine', 'mark damaged versions so that GET/HEAD/CopyObject refuse them (admin:Heal)')
      .option('--limit <n>', 'items the server checks per request (1-1000)'),
  ).action(
    ctx.action(async (alias: string, bucket: string | undefined, opts: ScanOptions) => {
      const report = await ctx.with(alias, (c) => runScan(c, ctx, bucket, opts));
      ctx.emit(opts, report, () => human(report));
      if (report.findings.length > 0) ctx.io.exit(2);
    }),
  );
}
