import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyFiles } from '../verify.js';
import { CONTRACT_KEY, sampleEvent } from './contract.js';
import { LineBuffer } from './line-buffer.js';
import { EntryQueue } from './queue.js';

function queue(checkpointEvery = 1000, onDropped?: (n: number, since: string) => void): EntryQueue {
  return new EntryQueue({
    node: 'host-1',
    stream: 'host-1-s',
    key: CONTRACT_KEY,
    checkpointEvery,
    now: () => Date.parse('2026-12-04T10:00:00Z'),
    ...(onDropped === undefined ? {} : { onDropped }),
  });
}

/** The same events, drops and checkpoints pushed into `q`. */
function fill(q: EntryQueue): void {
  for (let i = 0; i < 5; i++) q.push(sampleEvent({ requestId: `R${i}`, key: `k-é-${i}` }), true);
  q.push(sampleEvent({ requestId: 'lost-1' }), false);
  q.push(sampleEvent({ requestId: 'lost-2' }), false);
  q.push(sampleEvent({ requestId: 'R5' }), true);
  q.pushCheckpoint();
  q.push(sampleEvent({ requestId: 'R6' }), true);
}

describe('the entry queue', () => {
  it('makes the same chained lines as bytes (takeBatch) and as text (take)', () => {
    const a = queue(3);
    const b = queue(3);
    fill(a);
    fill(b);
    const batch = a.takeBatch(Number.POSITIVE_INFINITY, new LineBuffer(16));
    const text = b.take(Number.POSITIVE_INFINITY);
    expect(batch.bytes.toString('utf8')).toBe(text.map((l) => `${l}\n`).join(''));
    expect(batch.lines).toBe(text.length);
  });

  it('chains events in the order pushed, a dropped line where the drop was, a checkpoint every N lines', async () => {
    const dropped: number[] = [];
    const q = queue(3, (n) => dropped.push(n));
    fill(q);
    expect(q.length).toBe(7);
    expect(dropped).toEqual([2]); // told when the drop is noted, before any batch is made
    const lines = q.take(Number.POSITIVE_INFINITY).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(q.length).toBe(0);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(lines.map((l) => (l.type === undefined ? l.requestID : l.type))).toEqual([
      'R0',
      'R1',
      'R2',
      'checkpoint', // every 3 lines
      'R3',
      'R4',
      'dropped',
      'checkpoint',
      'R5',
      'checkpoint', // pushed
      'R6',
    ]);
    expect(lines[6]).toMatchObject({ type: 'dropped', count: 2, node: 'host-1' });
    const d = mkdtempSync(join(tmpdir(), 'tessera-queue-'));
    const f = join(d, 'audit.jsonl');
    writeFileSync(f, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const report = await verifyFiles([f], { keys: [CONTRACT_KEY] });
    expect(report.ok).toBe(true);
    expect(report.checkpoints).toBe(3);
  });

  it('takes at most max entries a batch, with the marks right after them, and stops after a seal', () => {
    const q = queue();
    for (let i = 0; i < 4; i++) q.push(sampleEvent({ requestId: `R${i}` }), true);
    q.pushCheckpoint(true);
    q.push(sampleEvent({ requestId: 'R4' }), true);
    const first = q.takeBatch(2);
    expect([first.lines, first.sealed]).toEqual([2, false]);
    const second = q.takeBatch(10);
    expect([second.lines, second.sealed]).toEqual([3, true]); // R2, R3, the seal
    expect(q.length).toBe(1);
    expect(q.takeBatch(10).lines).toBe(1);
    expect(q.hasWork).toBe(false);
  });

  it('counts an event it cannot write as dropped, keeping the chain whole', async () => {
    const q = queue();
    q.push(sampleEvent({ requestId: 'R0' }), true);
    const broken = sampleEvent({ requestId: 'R1' });
    Object.defineProperty(broken, 'request', {
      get() {
        throw new Error('unreadable');
      },
    });
    q.push(broken, true);
    q.push(sampleEvent({ requestId: 'R2' }), true);
    const first = q.take(10).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first.map((l) => l.requestID)).toEqual(['R0', 'R2']);
    expect(q.dropped).toBe(1);
    expect(q.hasWork).toBe(true); // the drop is still to be said
    const next = q.take(10).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(next[0]).toMatchObject({ type: 'dropped', count: 1 });
    expect([...first, ...next].map((l) => l.seq)).toEqual([1, 2, 3]);
  });

  it('says whether what was made or queued still wants a checkpoint', () => {
    const q = queue();
    expect(q.uncheckpointed).toBe(false);
    q.push(sampleEvent(), true);
    expect(q.uncheckpointed).toBe(true);
    q.pushCheckpoint();
    expect(q.uncheckpointed).toBe(false);
    q.take(10);
    expect(q.uncheckpointed).toBe(false);
    q.push(sampleEvent(), true);
    q.take(10);
    expect(q.uncheckpointed).toBe(true); // made, not yet followed by one
    q.push(sampleEvent(), false);
    expect(q.uncheckpointed).toBe(true);
  });
});
