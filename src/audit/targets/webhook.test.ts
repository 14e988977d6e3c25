import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Endpoint, spooledLines, startEndpoint } from '../../../test/helpers/audit-endpoints.js';
import { CONTRACT_KEY, dedup, runTargetContract, sampleEvent } from './contract.js';
import { WebhookTarget, type WebhookTargetOptions } from './webhook.js';

const endpoints: Endpoint[] = [];
afterAll(async () => {
  for (const e of endpoints) await e.close();
});

async function endpoint(): Promise<Endpoint> {
  const e = await startEndpoint();
  endpoints.push(e);
  return e;
}

function target(ep: { url: string }, over: Partial<WebhookTargetOptions> = {}): WebhookTarget {
  return new WebhookTarget({
    endpoint: ep.url,
    node: 'host-1',
    stream: `host-1-${Math.random().toString(36).slice(2)}`,
    key: CONTRACT_KEY,
    queueDir: mkdtempSync(join(tmpdir(), 'tessera-spool-')),
    batchIntervalMs: 20,
    retryMinMs: 20,
    retryMaxMs: 200,
    ...over,
  });
}

/** Waits until `ok()` holds (a generous deadline, never a timing assertion). */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1500 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

function spooled(dir: string): number {
  return spooledLines(dir).length;
}

let shared: Endpoint | undefined;
runTargetContract(
  'webhook',
  async ({ queueSize }) => {
    const ep = await endpoint();
    shared = ep;
    return { target: target(ep, { queueSize }), delivered: async () => ep.lines() };
  },
  { down: async () => shared!.down(), up: async () => shared!.up() },
);

describe('the webhook target', () => {
  it('batches: at most batchSize lines a POST, newline-delimited JSON, Bearer token', async () => {
    const ep = await endpoint();
    const t = target(ep, { batchSize: 10, authToken: 'tok-0123456789' });
    for (let i = 0; i < 25; i++) t.write(sampleEvent({ requestId: `B${i}` }));
    await t.close();
    expect(ep.received.every((r) => r.body.split('\n').filter(Boolean).length <= 10)).toBe(true);
    expect(ep.received.length).toBeGreaterThanOrEqual(3);
    expect(ep.received[0]!.headers.authorization).toBe('Bearer tok-0123456789');
    expect(ep.received[0]!.headers['content-type']).toBe('application/x-ndjson');
    expect(ep.lines().filter((l) => l.type === undefined)).toHaveLength(25);
  });

  it('retries with backoff while the endpoint answers non-2xx, then delivers everything', async () => {
    const ep = await endpoint();
    ep.status = 503;
    const t = target(ep);
    for (let i = 0; i < 20; i++) t.write(sampleEvent({ requestId: `E${i}` }));
    const flushed = t.flush();
    await until(() => ep.refused >= 3, 'three refused deliveries');
    ep.status = 200;
    await flushed;
    await t.close();
    const ids = dedup(ep.lines())
      .filter((l) => l.type === undefined)
      .map((l) => l.requestID);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `E${i}`));
  });

  it('formats elasticsearch _bulk bodies with <stream>-<seq> ids', async () => {
    const ep = await endpoint();
    const t = target(ep, { format: 'elasticsearch', index: 'audit-x' });
    t.write(sampleEvent());
    await t.close();
    const body = ep.received.map((r) => r.body).join('');
    const [action, doc] = body.split('\n').map((l) => (l === '' ? {} : JSON.parse(l)));
    expect(action).toEqual({ index: { _index: 'audit-x', _id: `${doc.stream}-${doc.seq}` } });
    expect(ep.received[0]!.headers['content-type']).toBe('application/x-ndjson');
  });

  it('formats Splunk HEC events with a Splunk token', async () => {
    const ep = await endpoint();
    const t = target(ep, { format: 'splunk', authToken: 'hec-token-1234' });
    t.write(sampleEvent({ requestId: 'S1' }));
    await t.close();
    expect(ep.received[0]!.headers.authorization).toBe('Splunk hec-token-1234');
    const first = JSON.parse(ep.received[0]!.body.split('}{"time"')[0]!.concat('}')) as Record<
      string,
      unknown
    >;
    expect(first).toMatchObject({ sourcetype: 'tessera:audit', event: { requestID: 'S1' } });
    expect(first.time).toBe(Date.parse('2026-12-01T12:00:00.000Z') / 1000);
    expect(ep.lines().map((l) => l.requestID)).toContain('S1');
  });

  it('a full spool drops what does not fit, counts it and says so in a dropped line', async () => {
    const ep = await endpoint();
    await ep.down();
    const dir = mkdtempSync(join(tmpdir(), 'tessera-spool-'));
    const t = target(ep, { queueSize: 5, queueDir: dir });
    for (let i = 0; i < 5; i++) t.write(sampleEvent({ requestId: `Q${i}` }));
    await until(() => spooled(dir) === 5, 'five spooled lines');
    for (let i = 0; i < 7; i++) t.write(sampleEvent({ requestId: `X${i}` }));
    expect(t.stats()).toMatchObject({ dropped: 7, queued: 5 });
    await ep.up();
    await t.close();
    const lines = dedup(ep.lines());
    expect(lines.filter((l) => l.type === undefined)).toHaveLength(5);
    expect(lines.find((l) => l.type === 'dropped')).toMatchObject({ count: 7 });
  });

  it('replays the spool a dead process left, before its own lines', async () => {
    const ep = await endpoint();
    const dir = mkdtempSync(join(tmpdir(), 'tessera-spool-'));
    const dead = target(
      { url: 'http://127.0.0.1:9/never' },
      { queueDir: dir, retryMinMs: 60_000, closeTimeoutMs: 0 },
    );
    for (let i = 0; i < 12; i++) dead.write(sampleEvent({ requestId: `old${i}` }));
    await until(() => spooled(dir) === 12, 'twelve spooled lines');
    // Its owner is gone: a pid that is not running (as after kill -9).
    const [sub] = readdirSync(dir);
    writeFileSync(join(dir, sub!, 'owner'), JSON.stringify({ pid: 2 ** 22 + 7, start: 'gone' }));
    const t = target(ep, { queueDir: dir });
    t.write(sampleEvent({ requestId: 'new' }));
    await t.close();
    await dead.close().catch(() => {});
    const ids = dedup(ep.lines())
      .filter((l) => l.type === undefined)
      .map((l) => l.requestID);
    expect(ids).toEqual([...Array.from({ length: 12 }, (_, i) => `old${i}`), 'new']);
    expect(readdirSync(dir).filter((f) => !f.startsWith('.'))).toEqual([]);
  });
});
