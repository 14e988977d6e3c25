import { describe, expect, it } from 'vitest';
import { deriveAuditKey } from '../chain.js';
import type { AuditEvent } from '../entry.js';
import type { AuditTarget } from './target.js';

/** A request event as the http layer makes it (tests only). */
export function sampleEvent(over: Partial<AuditEvent> = {}): AuditEvent {
  return {
    time: '2026-12-01T12:00:00.000Z',
    requestId: 'REQ1',
    api: 'GetObject',
    bucket: 'photos',
    key: 'a.jpg',
    remoteAddress: '127.0.0.1',
    userAgent: 'test',
    request: { method: 'GET', host: 'localhost', path: '/photos/a.jpg', query: {}, headers: {} },
    response: { headers: { 'content-length': '3' } },
    auth: {
      kind: 'sigv4-header',
      accessKey: 'alice',
      principalType: 'user',
      principalArn: 'arn:aws:iam:::user/alice',
      account: '',
      identitySource: 'builtin',
    },
    authz: {
      decision: 'allow',
      reason: 'allowed',
      statements: [{ policy: 'readers', index: 0, effect: 'Allow' }],
      actions: ['s3:GetObject'],
      resources: ['arn:aws:s3:::photos/a.jpg'],
    },
    status: 200,
    bytesIn: 0,
    bytesOut: 3,
    timings: { totalMs: 1.5 },
    ...over,
  };
}

export const CONTRACT_KEY = deriveAuditKey('contract', Buffer.alloc(32, 7));

/** A target under test, and what it delivered (every line, parsed, in order). */
export interface OpenedTarget {
  target: AuditTarget;
  delivered(): Promise<Record<string, unknown>[]>;
}

/** For a target that delivers elsewhere: take the far side down and bring it back. */
export interface FarSide {
  down(): Promise<void>;
  up(): Promise<void>;
}

/** Lines kept once per `<stream>-<seq>`: the dedup id of at-least-once delivery. */
export function dedup(lines: Record<string, unknown>[]): Record<string, unknown>[] {
  const seen = new Set<string>();
  return lines.filter((l) => {
    const id = `${String(l.stream)}-${String(l.seq)}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The contract every audit target runs: `runTargetContract('file', (opts) => …)`. `open` gets the
 * queue size to use; a remote target also passes its far side, and must then deliver everything
 * written while the far side was down once it is back (at least once: compared by stream and seq).
 */
export function runTargetContract(
  name: string,
  open: (o: { queueSize: number }) => Promise<OpenedTarget>,
  far?: FarSide,
): void {
  describe(`audit target contract: ${name}`, () => {
    const entries = (lines: Record<string, unknown>[]) => lines.filter((l) => l.type === undefined);

    it('delivers every entry once, in order, chained, and seals the stream on close', async () => {
      const { target, delivered } = await open({ queueSize: 1000 });
      for (let i = 0; i < 50; i++) target.write(sampleEvent({ requestId: `R${i}` }));
      await target.close();
      const lines = await delivered();
      expect(entries(lines).map((l) => l.requestID)).toEqual(Array.from({ length: 50 }, (_, i) => `R${i}`));
      expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
      expect(lines.at(-1)).toMatchObject({ type: 'checkpoint', keyId: CONTRACT_KEY.id });
    });

    it('write returns at once and never throws, even after close', async () => {
      const { target } = await open({ queueSize: 1000 });
      const r = target.write(sampleEvent()) as unknown;
      expect(r).toBeUndefined();
      await target.close();
      expect(() => target.write(sampleEvent())).not.toThrow();
    });

    it('flush makes what was written so far delivered', async () => {
      const { target, delivered } = await open({ queueSize: 1000 });
      target.write(sampleEvent({ requestId: 'F1' }));
      await target.flush();
      expect(entries(await delivered()).map((l) => l.requestID)).toEqual(['F1']);
      await target.close();
    });

    it('counts what a full queue drops and says so in a dropped line: never silent', async () => {
      const { target, delivered } = await open({ queueSize: 5 });
      for (let i = 0; i < 20; i++) target.write(sampleEvent({ requestId: `D${i}` }));
      expect(target.stats().dropped).toBe(15);
      await target.flush();
      target.write(sampleEvent({ requestId: 'after' }));
      await target.close();
      const lines = await delivered();
      expect(entries(lines)).toHaveLength(6);
      expect(lines.filter((l) => l.type === 'dropped').reduce((n, l) => n + Number(l.count), 0)).toBe(15);
    });

    if (far !== undefined)
      it('delivers what was written while the far side was down once it is back', async () => {
        const { target, delivered } = await open({ queueSize: 1000 });
        await far.down();
        for (let i = 0; i < 30; i++) target.write(sampleEvent({ requestId: `O${i}` }));
        const flushed = target.flush();
        await new Promise((r) => setTimeout(r, 300));
        await far.up();
        await flushed;
        await target.close();
        const lines = dedup(await delivered());
        expect(entries(lines).map((l) => l.requestID)).toEqual(Array.from({ length: 30 }, (_, i) => `O${i}`));
        expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
      });

    it('never delivers a secret of the request', async () => {
      const { target, delivered } = await open({ queueSize: 1000 });
      target.write(
        sampleEvent({
          request: {
            method: 'GET',
            path: '/b/k',
            query: { 'X-Amz-Signature': 'f'.repeat(64), 'X-Amz-Security-Token': 'tok-secret-123' },
            headers: { authorization: 'Bearer very-secret-bearer', 'x-amz-security-token': 'tok-secret-456' },
          },
        }),
      );
      await target.close();
      const text = JSON.stringify(await delivered());
      for (const s of ['f'.repeat(64), 'tok-secret-123', 'very-secret-bearer', 'tok-secret-456'])
        expect(text).not.toContain(s);
    });
  });
}
