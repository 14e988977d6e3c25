import { execFile } from 'node:child_process';
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
  it('measures 1 KiB GETs on Tessera and both reference servers', { timeout: 120_000 }, async () => {
    const { code, out } = await bench(['--quick', 'get-1k']);
    expect(out, out).toMatch(/== server ==/);
    expect(code, out).toBe(0);
    for (const id of ['get-1k-presigned', 'get-1k-signed']) expect(out).toContain(`(\`${id}\`)`);
    for (const target of ['bare', 'verify', 'tessera'])
      expect(out).toMatch(new RegExp(`^\\s+${target}\\s+\\d+ req/s`, 'm'));
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
