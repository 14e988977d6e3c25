import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool } from './spool.js';

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'tessera-spool-unit-'));
}

/** As after kill -9: the owner of a spool directory is a pid that is not running. */
function orphan(d: string, id: string): void {
  writeFileSync(join(d, id, 'owner'), JSON.stringify({ pid: 2 ** 22 + 11, start: 'gone' }));
}

const line = (seq: number) => JSON.stringify({ stream: 's', seq });

describe('the spool', () => {
  it('gives the oldest lines until they are acknowledged, and rolls segments', async () => {
    const d = dir();
    const s = new Spool({ dir: d, id: 'a', segmentBytes: 64 });
    for (let i = 1; i <= 9; i += 3) await s.append([line(i), line(i + 1), line(i + 2)]);
    expect(s.pending).toBe(9);
    expect(readdirSync(join(d, 'a')).filter((f) => f.endsWith('.ndjson')).length).toBeGreaterThan(1);
    const seen: string[] = [];
    for (let p = await s.peek(4); p !== undefined; p = await s.peek(4)) {
      expect(await s.peek(4)).toEqual(p); // the same until acknowledged
      seen.push(...p.lines);
      await s.ack(p);
    }
    expect(seen).toEqual(Array.from({ length: 9 }, (_, i) => line(i + 1)));
    expect(s.pending).toBe(0);
    await s.close();
    expect(existsSync(join(d, 'a'))).toBe(false);
  });

  it('a new process adopts what a dead one left, from its cursor on', async () => {
    const d = dir();
    const a = new Spool({ dir: d, id: 'a' });
    await a.append([line(1), line(2), line(3)]);
    await a.ack((await a.peek(2))!);
    orphan(d, 'a');
    const b = new Spool({ dir: d, id: 'b' });
    expect(b.pending).toBe(1);
    expect((await b.peek(10))!.lines).toEqual([line(3)]);
    await b.ack((await b.peek(10))!);
    expect(await b.peek(10)).toBeUndefined();
    await b.close();
    expect(readdirSync(d)).toEqual([]);
  });

  it('never gives a line a crash cut short, and leaves a live owner alone', async () => {
    const d = dir();
    mkdirSync(join(d, 'dead'));
    writeFileSync(join(d, 'dead', 'seg-0000000001.ndjson'), `${line(1)}\n{"stream":"s","se`);
    orphan(d, 'dead');
    const live = new Spool({ dir: d, id: 'live' });
    const b = new Spool({ dir: d, id: 'b' });
    expect(existsSync(join(d, 'live'))).toBe(true);
    expect(b.pending).toBe(0);
    const p = await live.peek(10);
    expect(p!.lines).toEqual([line(1)]);
    await live.ack(p!);
    expect(await live.peek(10)).toBeUndefined();
    await live.close();
    await b.close();
  });
});
