import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveAuditKey } from './chain.js';
import { CONTRACT_KEY, sampleEvent } from './targets/contract.js';
import { FileTarget } from './targets/file.js';
import { verifyFiles } from './verify.js';

let lines: string[];
const d = mkdtempSync(join(tmpdir(), 'tessera-verify-'));

beforeAll(async () => {
  const t = new FileTarget({ path: d, node: 'n', stream: 'n-1', key: CONTRACT_KEY, checkpointEvery: 4 });
  for (let i = 0; i < 10; i++) t.write(sampleEvent({ requestId: `R${i}` }));
  await t.close();
  lines = readFileSync(t.activePath, 'utf8').split('\n').filter(Boolean);
});

async function check(edited: string[]) {
  const p = join(d, `copy-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(p, `${edited.join('\n')}\n`);
  return verifyFiles([p], { keys: [CONTRACT_KEY] });
}

describe('verifyFiles', () => {
  it('accepts an untouched file: entries, checkpoints, signatures', async () => {
    const r = await check(lines);
    expect(r).toMatchObject({ ok: true, entries: 10, checkpoints: 3, signaturesChecked: 3, notes: [] });
  });

  it('finds a modified line (at the line after it, naming both)', async () => {
    const edited = [...lines];
    edited[2] = edited[2]!.replace('"R2"', '"RX"');
    const r = await check(edited);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ line: 4 });
    expect(r.problem!.message).toMatch(/:3\)/);
  });

  it('finds a deleted line, a swapped pair, an inserted line and a cut-short line', async () => {
    const deleted = lines.filter((_, i) => i !== 5);
    expect((await check(deleted)).problem).toMatchObject({
      line: 6,
      message: expect.stringMatching(/missing/),
    });
    const swapped = [...lines];
    [swapped[6], swapped[7]] = [swapped[7]!, swapped[6]!];
    expect((await check(swapped)).problem).toMatchObject({
      line: 7,
      message: expect.stringMatching(/missing or reordered/),
    });
    const inserted = [...lines.slice(0, 3), lines[1]!, ...lines.slice(3)];
    expect((await check(inserted)).problem).toMatchObject({
      line: 4,
      message: expect.stringMatching(/reordered or repeated/),
    });
    const cut = [...lines];
    cut[8] = cut[8]!.slice(0, 40);
    expect((await check(cut)).problem).toMatchObject({ line: 9, message: expect.stringMatching(/JSON/) });
  });

  it('finds a deleted first line and a forged checkpoint signature', async () => {
    expect((await check(lines.slice(1))).problem).toMatchObject({ line: 1 });
    const forged = lines.map((l) =>
      l.includes('"checkpoint"') ? l.replace(/"sig":"[0-9a-f]{8}/, '"sig":"00000000') : l,
    );
    expect((await check(forged)).problem?.message).toMatch(/signature/);
    const other = await verifyFiles([join(d, 'audit-n.jsonl')], {
      keys: [deriveAuditKey('other', Buffer.alloc(32))],
    });
    expect(other.problem?.message).toMatch(/unknown key id/);
  });

  it('without a key, checks the chain and leaves signatures unchecked', async () => {
    const r = await verifyFiles([join(d, 'audit-n.jsonl')]);
    expect(r).toMatchObject({ ok: true, signaturesChecked: 0 });
  });

  it('notes a stream that ends without a checkpoint (a writer still running)', async () => {
    const r = await check(lines.slice(0, 3));
    expect(r.ok).toBe(true);
    expect(r.notes.join()).toMatch(/without a checkpoint/);
  });
});
