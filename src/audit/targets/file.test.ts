import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyFiles } from '../verify.js';
import { CONTRACT_KEY, runTargetContract, sampleEvent } from './contract.js';
import { BATCH_INTERVAL_MS, FileTarget, type FileTargetOptions, fileLayout } from './file.js';

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'tessera-audit-'));
}

function target(d: string, over: Partial<FileTargetOptions> = {}): FileTarget {
  return new FileTarget({ path: d, node: 'host-1', stream: 'host-1-s', key: CONTRACT_KEY, ...over });
}

function allLines(d: string): Record<string, unknown>[] {
  return readdirSync(d)
    .sort()
    .flatMap((f) => readFileSync(join(d, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

runTargetContract('file', async ({ queueSize }) => {
  const d = dir();
  const t = target(d, { queueSize });
  return {
    target: t,
    delivered: async () =>
      readFileSync(t.activePath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
});

describe('the file target', () => {
  it('names its file after the node, in a directory or beside a file path', () => {
    expect(fileLayout('/var/log/tessera')).toEqual({ dir: '/var/log/tessera', base: 'audit', ext: '.jsonl' });
    expect(fileLayout('/var/log/a.jsonl')).toEqual({ dir: '/var/log', base: 'a', ext: '.jsonl' });
    const d = dir();
    expect(target(d).activePath).toBe(join(d, 'audit-host-1.jsonl'));
  });

  it('rotates by size into audit-<node>-<timestamp>.jsonl, the chain continuing across files', async () => {
    const d = dir();
    const t = target(d, { maxSize: 4096 });
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 5; i++) t.write(sampleEvent({ requestId: `R${round}-${i}` }));
      await t.flush();
    }
    await t.close();
    const files = readdirSync(d).sort();
    expect(files.length).toBeGreaterThan(1);
    expect(files.filter((f) => /^audit-host-1-\d{8}T\d{9}Z(-\d+)?\.jsonl$/.test(f)).length).toBe(
      files.length - 1,
    );
    const report = await verifyFiles(
      files.map((f) => join(d, f)),
      { keys: [CONTRACT_KEY] },
    );
    expect(report).toMatchObject({ ok: true, entries: 30 });
    // Each rotated file after the first starts with a checkpoint, so it can be verified alone.
    const alone = await verifyFiles([join(d, files[1]!)], { keys: [CONTRACT_KEY] });
    expect(alone.ok).toBe(true);
    expect(alone.notes.join()).toContain('earlier files were not given');
  });

  it('keeps every file whole and in chain order when entries arrive while it rotates', async () => {
    const d = dir();
    const t = target(d, { maxSize: 2048, checkpointEvery: 7 });
    for (let i = 0; i < 300; i++) {
      t.write(sampleEvent({ requestId: `R${i}` }));
      // Let the drain run (and rotate) between writes, never waiting for it to finish: batches
      // start at most every BATCH_INTERVAL_MS, and writes go on while one is on its way.
      if (i % 3 === 0) await new Promise((r) => setImmediate(r));
      if (i % 30 === 0) await new Promise((r) => setTimeout(r, BATCH_INTERVAL_MS + 2));
    }
    await t.close();
    const files = readdirSync(d).sort();
    expect(files.length).toBeGreaterThan(2);
    const report = await verifyFiles(
      files.map((f) => join(d, f)),
      { keys: [CONTRACT_KEY] },
    );
    expect(report).toMatchObject({ ok: true, entries: 300 });
    for (const f of files.slice(1)) {
      const alone = await verifyFiles([join(d, f)], { keys: [CONTRACT_KEY] });
      expect(alone.ok, f).toBe(true);
    }
  });

  it('rotates by age', async () => {
    const d = dir();
    let now = 1_000_000;
    const t = target(d, { maxAgeMs: 1000, now: () => now });
    t.write(sampleEvent());
    await t.flush();
    now += 2000;
    t.write(sampleEvent());
    await t.flush();
    await t.close();
    expect(readdirSync(d)).toHaveLength(2);
    expect(allLines(d).filter((l) => l.type === undefined)).toHaveLength(2);
  });

  it('sets aside a file an earlier process of the same node id left', async () => {
    const d = dir();
    const a = target(d);
    a.write(sampleEvent());
    await a.close();
    const b = target(d, { stream: 'host-1-t' });
    b.write(sampleEvent());
    await b.close();
    expect(readdirSync(d)).toHaveLength(2);
    const report = await verifyFiles(readdirSync(d).map((f) => join(d, f)));
    expect(report).toMatchObject({ ok: true, entries: 2, streams: 2 });
  });

  it('writes checkpoints every N lines', async () => {
    const d = dir();
    const t = target(d, { checkpointEvery: 10 });
    for (let i = 0; i < 25; i++) t.write(sampleEvent());
    await t.close();
    const lines = allLines(d);
    expect(lines.filter((l) => l.type === 'checkpoint').map((l) => l.seq)).toEqual([11, 22, 28]);
  });
});
