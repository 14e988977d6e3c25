import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NatsServer, startNats } from '../../../test/helpers/audit-endpoints.js';
import { CONTRACT_KEY, runTargetContract, sampleEvent } from './contract.js';
import { NatsTarget, type NatsTargetOptions } from './nats.js';

let nats: NatsServer;
beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  await nats.stop();
});

let n = 0;
function target(over: Partial<NatsTargetOptions> = {}): { t: NatsTarget; stream: string } {
  const stream = `AUDIT${++n}`;
  const t = new NatsTarget({
    servers: [nats.url],
    subject: `tessera.audit.t${n}`,
    streamName: stream,
    node: 'host-1',
    stream: `host-1-${n}-${Date.now().toString(36)}`,
    key: CONTRACT_KEY,
    queueDir: mkdtempSync(join(tmpdir(), 'tessera-spool-')),
    batchIntervalMs: 20,
    retryMinMs: 20,
    retryMaxMs: 300,
    ...over,
  });
  return { t, stream };
}

/** Every message the JetStream stream holds, parsed, in order. */
async function messages(stream: string): Promise<Record<string, unknown>[]> {
  const nc = await connect({ servers: nats.url });
  try {
    const jsm = await nc.jetstreamManager();
    const last = (await jsm.streams.info(stream)).state.last_seq;
    const out: Record<string, unknown>[] = [];
    for (let seq = 1; seq <= last; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      out.push(JSON.parse(Buffer.from(m.data).toString('utf8')) as Record<string, unknown>);
    }
    return out;
  } finally {
    await nc.close();
  }
}

runTargetContract(
  'nats',
  async ({ queueSize }) => {
    const { t, stream } = target({ queueSize });
    return { target: t, delivered: () => messages(stream) };
  },
  { down: () => nats.kill9(), up: () => nats.start() },
);

describe('the NATS JetStream target', () => {
  it('loses nothing when nats-server restarts mid-stream: every seq once (msgID dedup)', async () => {
    const { t, stream } = target({ batchSize: 20 });
    for (let i = 0; i < 100; i++) t.write(sampleEvent({ requestId: `N${i}` }));
    await t.flush();
    for (let i = 100; i < 150; i++) t.write(sampleEvent({ requestId: `N${i}` }));
    await nats.kill9();
    for (let i = 150; i < 200; i++) t.write(sampleEvent({ requestId: `N${i}` }));
    const flushed = t.flush();
    await new Promise((r) => setTimeout(r, 500));
    await nats.start();
    await flushed;
    await t.close();
    const got = await messages(stream);
    expect(got.map((m) => m.seq)).toEqual(got.map((_, i) => i + 1));
    expect(got.filter((m) => m.type === undefined).map((m) => m.requestID)).toEqual(
      Array.from({ length: 200 }, (_, i) => `N${i}`),
    );
  });

  it('waits for a server that is not there yet, then creates the stream and delivers', async () => {
    await nats.kill9();
    const { t, stream } = target();
    t.write(sampleEvent({ requestId: 'late' }));
    const flushed = t.flush();
    await new Promise((r) => setTimeout(r, 300));
    await nats.start();
    await flushed;
    await t.close();
    expect((await messages(stream)).map((m) => m.requestID)).toContain('late');
  });

  it('signs in with a user and password', async () => {
    const secured = await startNats(['--user', 'audit', '--pass', 'nats-secret-pass']);
    try {
      const errors: string[] = [];
      const { t } = target({
        servers: [secured.url],
        username: 'audit',
        password: 'nats-secret-pass',
        onError: (m) => errors.push(m),
      });
      t.write(sampleEvent({ requestId: 'signed-in' }));
      await t.flush();
      await t.close();
      expect(errors).toEqual([]);
      expect(t.stats()).toMatchObject({ queued: 0, dropped: 0 });
      expect(t.stats().written).toBeGreaterThanOrEqual(2);
    } finally {
      await secured.stop();
    }
  });
});
