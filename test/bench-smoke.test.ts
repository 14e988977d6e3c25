import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Proves that the server benchmark harness works end to end (build output, servers, signing,
 * load generator, report). It checks no timings: a benchmark's numbers are never a test.
 */
const RUN = resolve(import.meta.dirname, '../dist/bench/run.js');

function bench(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [RUN, ...args],
      { env: { ...process.env, ...env }, timeout: 100_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) =>
        done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('bench harness (--quick)', () => {
  it('measures 1 KiB GETs on Tessera and the bare, minimal-verifier and Tessera-verifier references', {
    timeout: 120_000,
  }, async () => {
    const { code, out } = await bench(['--quick', 'get-1k-presigned', 'get-1k-signed']);
    expect(out, out).toMatch(/== server ==/);
    expect(code, out).toBe(0);
    for (const id of ['get-1k-presigned', 'get-1k-signed']) expect(out).toContain(`(\`${id}\`)`);
    for (const target of ['bare', 'minimal', 'verify', 'tessera'])
      expect(out).toMatch(new RegExp(`^\\s+${target}\\s+\\d+ req/s`, 'm'));
    expect(out).toContain('| Tessera ÷ minimal | Tessera verifier (bare) ÷ minimal |');
    expect(out).toMatch(/^\| 1 KiB presigned GET ≥ 0\.8× minimal \(`get-1k-presigned`\) \| [\d.]+ × \|/m);
  });

  // CI machines have no nginx: the row is then skipped, and the run says so.
  const nginx = existsSync('/usr/sbin/nginx');
  it(`measures a 1 MiB file GET${nginx ? ' on nginx too, and skips nginx when it is missing' : ' (nginx missing: its row skipped)'}`, {
    timeout: 240_000,
  }, async () => {
    const { code, out } = await bench(['--quick', 'get-1m-presigned']);
    expect(code, out).toBe(0);
    expect(out).toMatch(/^\s+minimal\s+\d+ req\/s/m);
    if (!nginx) {
      expect(out).toMatch(/nginx rows are skipped/);
      return;
    }
    expect(out).toMatch(/^\s+nginx\s+\d+ req\/s/m);
    expect(out).toMatch(/^\| 1 MiB GET \(presigned\) ≥ 1\.0× nginx \(`get-1m-presigned`\) \| [\d.]+ × \|/m);
    const missing = await bench(['--quick', 'get-1m-presigned'], { BENCH_NGINX: '/nonexistent/nginx' });
    expect(missing.code, missing.out).toBe(0);
    expect(missing.out).toMatch(/nginx rows are skipped/);
    expect(missing.out).not.toMatch(/^\s+nginx\s+\d+ req\/s/m);
  });

  it('measures two Tessera workers against one (get-1k-workers)', { timeout: 120_000 }, async () => {
    const { code, out } = await bench(['--quick', 'workers']);
    expect(code, out).toBe(0);
    for (const target of ['tessera', 'tessera2'])
      expect(out).toMatch(new RegExp(`^\\s+${target}\\s+\\d+ req/s`, 'm'));
    expect(out).toMatch(
      /^\| 1 KiB GET, presigned URL, TESSERA_WORKERS=2 against 1 \(`get-1k-workers`\) \| [\d,]+ req\/s \| [\d,]+ req\/s \| [\d.]+× \|/m,
    );
  });

  it('falls back to the built-in Node load generator when wrk is not used', {
    timeout: 120_000,
  }, async () => {
    const { code, out } = await bench(['--quick', 'head'], { BENCH_LOAD: 'node' });
    expect(code, out).toBe(0);
    expect(out).toContain('built-in Node client');
    expect(out).toContain('(`head`)');
  });

  it('measures versioned against unversioned listings and GETs (bench/versioning.ts)', {
    timeout: 120_000,
  }, async () => {
    const { code, out } = await bench(['--quick', 'versioning']);
    expect(out, out).toMatch(/== versioning ==/);
    expect(code, out).toBe(0);
    for (const id of ['versions-page', 'current-page', 'get-latest', 'get-version'])
      expect(out).toContain(`(\`${id}\`)`);
    expect(out).toMatch(/^\| ListObjectVersions \(NextKeyMarker \/ NextVersionIdMarker\) \| 3,000 \|/m);
    expect(out).toMatch(/Full walk, versioned ÷ unversioned: [\d.]+× the throughput/);
  });

  it('measures STS issuance, the zero-write proof and temporary credentials (bench/sts.ts)', {
    timeout: 120_000,
  }, async () => {
    const { code, out } = await bench(['--quick', 'sts']);
    expect(out, out).toMatch(/== sts ==/);
    expect(code, out).toBe(0);
    for (const id of [
      'caller-identity',
      'head-bucket',
      'assume-role',
      'assume-role-policy',
      'web-identity',
      'get-1k-root',
      'get-1k-user',
      'get-1k-session',
    ])
      expect(out).toContain(`(\`${id}\`)`);
    expect(out).toMatch(/^Zero-write proof: 500 AssumeRole calls .*, 500 answered with credentials/m);
    expect(out).toContain('**no store writes**');
    expect(out).toMatch(/^\| sessionOpener\.open, no session policy \| [\d,]+ \|/m);
  });
});
