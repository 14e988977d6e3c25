import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { connect } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Endpoint,
  type NatsServer,
  spooledLines,
  startEndpoint,
  startNats,
} from './helpers/audit-endpoints.js';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * The remote audit targets against the real server (dist/): a webhook endpoint (node:http in this
 * process) that is down under load and then up, a kill -9 with entries spooled, and a NATS
 * JetStream server restarted mid-stream. Delivery is at least once: lines are compared by
 * stream and seq, and none may be missing.
 */
type Line = Record<string, unknown> & { stream: string; seq: number; requestID?: string };

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
});

async function server(env: Record<string, string>, dataDir?: string): Promise<RunningServer> {
  const s = await startServer({ env, ...(dataDir === undefined ? {} : { dataDir }) });
  cleanup.push(() => s.stop());
  return s;
}

async function endpoint(): Promise<Endpoint> {
  const ep = await startEndpoint();
  cleanup.push(() => ep.close());
  return ep;
}

/** `n` requests (10 at a time); their request ids. */
async function load(s: RunningServer, n: number): Promise<string[]> {
  const client = s3Client(s);
  const ids: string[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, () => client.send(new ListBucketsCommand({}))),
    );
    ids.push(...batch.map((r) => r.$metadata.requestId!));
  }
  client.destroy();
  return ids;
}

/** Polls until `ok()` holds: a generous deadline, never a timing assertion. */
async function until(ok: () => boolean | Promise<boolean>, what: string, ms = 40_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function missing(ids: readonly string[], lines: readonly Line[]): string[] {
  const got = new Set(lines.map((l) => l.requestID));
  return ids.filter((id) => !got.has(id));
}

/** Every stream's seqs run 1, 2, … without a gap (duplicates allowed: at least once). */
function gaps(lines: readonly Line[]): string[] {
  const byStream = new Map<string, Set<number>>();
  for (const l of lines) byStream.set(l.stream, (byStream.get(l.stream) ?? new Set()).add(l.seq));
  return [...byStream].flatMap(([stream, seqs]) => {
    const max = Math.max(...seqs);
    return Array.from({ length: max }, (_, i) => i + 1)
      .filter((s) => !seqs.has(s))
      .map((s) => `${stream}-${s}`);
  });
}

/** The lines spooled on disk under a queue directory. */
function spooled(dir: string): Line[] {
  return spooledLines(dir) as Line[];
}

describe('the webhook target, on the real server', () => {
  it('delivers every entry of a load made while the endpoint was down, once it is up', async () => {
    const ep = await endpoint();
    await ep.down();
    const queueDir = mkdtempSync(join(tmpdir(), 'tessera-queue-'));
    const auditDir = mkdtempSync(join(tmpdir(), 'tessera-audit-file-'));
    const token = 'hook-secret-token-0123456789';
    const s = await server({
      TESSERA_AUDIT_FILE: auditDir,
      TESSERA_AUDIT_WEBHOOK_ENDPOINT: ep.url,
      TESSERA_AUDIT_WEBHOOK_AUTH_TOKEN: token,
      TESSERA_AUDIT_WEBHOOK_BATCH_SIZE: '50',
      TESSERA_AUDIT_WEBHOOK_QUEUE_DIR: queueDir,
    });
    const ids = await load(s, 300);
    await until(() => missing(ids, spooled(queueDir)).length === 0, 'every entry spooled');
    await ep.up();
    await until(() => missing(ids, ep.lines() as Line[]).length === 0, 'every entry delivered');
    expect(missing(ids, ep.lines() as Line[])).toEqual([]);
    expect(gaps(ep.lines() as Line[])).toEqual([]);
    expect(ep.received.every((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
    // The file target of the same fan-out has them too; the token is in no log line.
    const fileLines = readdirSync(auditDir).flatMap((f) =>
      readFileSync(join(auditDir, f), 'utf8').split('\n').filter(Boolean),
    );
    expect(
      missing(
        ids,
        fileLines.map((l) => JSON.parse(l) as Line),
      ),
    ).toEqual([]);
    expect(s.output()).toContain('delivery failed');
    expect(s.output()).toContain('ECONNREFUSED');
    expect(s.output()).not.toContain(token);
  });

  it('loses nothing that was spooled when the server is killed -9 and started again', async () => {
    const ep = await endpoint();
    await ep.down();
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
    const env = { TESSERA_AUDIT_WEBHOOK_ENDPOINT: ep.url, TESSERA_AUDIT_WEBHOOK_BATCH_SIZE: '20' };
    const first = await server(env, dataDir);
    const queueDir = join(dataDir, '.tessera', 'audit-queue', 'webhook');
    const ids = await load(first, 100);
    await until(() => missing(ids, spooled(queueDir)).length === 0, 'every entry spooled');
    const onDisk = spooled(queueDir);
    await first.kill9();
    await ep.up();
    const second = await server(env, dataDir);
    const later = await load(second, 10);
    await until(
      () => missing([...ids, ...later], ep.lines() as Line[]).length === 0,
      'every entry delivered',
    );
    const got = new Set((ep.lines() as Line[]).map((l) => `${l.stream}-${l.seq}`));
    expect(onDisk.filter((l) => !got.has(`${l.stream}-${l.seq}`))).toEqual([]);
    expect(gaps(ep.lines() as Line[])).toEqual([]);
  });
});

describe('the NATS JetStream target, on the real server', () => {
  let nats: NatsServer;

  async function inStream(): Promise<Line[]> {
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await nc.jetstreamManager();
      const info = await jsm.streams.info('TESSERA_AUDIT').catch(() => undefined);
      const out: Line[] = [];
      for (let seq = info?.state.first_seq ?? 1; seq <= (info?.state.last_seq ?? 0); seq++) {
        const m = await jsm.streams.getMessage('TESSERA_AUDIT', { seq });
        out.push(JSON.parse(Buffer.from(m.data).toString('utf8')) as Line);
      }
      return out;
    } finally {
      await nc.close();
    }
  }

  it('loses nothing when nats-server restarts mid-stream', async () => {
    nats = await startNats();
    cleanup.push(() => nats.stop());
    const s = await server({ TESSERA_AUDIT_NATS_ADDRESS: `127.0.0.1:${nats.port}` });
    const ids = await load(s, 100);
    await nats.kill9();
    ids.push(...(await load(s, 100)));
    await nats.start();
    ids.push(...(await load(s, 50)));
    let lines: Line[] = [];
    await until(
      async () => missing(ids, (lines = await inStream().catch(() => []))).length === 0,
      'every entry in the stream',
    );
    expect(gaps(lines)).toEqual([]);
    // JetStream dropped what was published twice (msgID <stream>-<seq>).
    const keys = lines.map((l) => `${l.stream}-${l.seq}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
