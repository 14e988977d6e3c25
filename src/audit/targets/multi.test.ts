import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Endpoint, startEndpoint } from '../../../test/helpers/audit-endpoints.js';
import { CONTRACT_KEY, runTargetContract, sampleEvent } from './contract.js';
import { FileTarget } from './file.js';
import { MultiTarget } from './multi.js';
import { WebhookTarget } from './webhook.js';

const endpoints: Endpoint[] = [];
afterAll(async () => {
  for (const e of endpoints) await e.close();
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'tessera-multi-'));
}

function fileTarget(queueSize: number): FileTarget {
  return new FileTarget({ path: tmp(), node: 'host-1', stream: 'host-1-f', key: CONTRACT_KEY, queueSize });
}

async function webhookTarget(queueSize: number): Promise<{ t: WebhookTarget; ep: Endpoint }> {
  const ep = await startEndpoint();
  endpoints.push(ep);
  const t = new WebhookTarget({
    endpoint: ep.url,
    node: 'host-1',
    stream: 'host-1-w',
    key: CONTRACT_KEY,
    queueDir: tmp(),
    queueSize,
    batchIntervalMs: 20,
  });
  return { t, ep };
}

function fileLines(t: FileTarget): Record<string, unknown>[] {
  return readFileSync(t.activePath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

// The fan-out keeps the contract as seen through each of its targets (the other one roomy).
runTargetContract('multi (file + webhook), as seen by the file', async ({ queueSize }) => {
  const f = fileTarget(queueSize);
  const { t } = await webhookTarget(100_000);
  return { target: new MultiTarget([f, t]), delivered: async () => fileLines(f) };
});

runTargetContract('multi (file + webhook), as seen by the webhook', async ({ queueSize }) => {
  const { t, ep } = await webhookTarget(queueSize);
  return { target: new MultiTarget([fileTarget(100_000), t]), delivered: async () => ep.lines() };
});

describe('the fan-out target', () => {
  it('sums the stats of its targets and names them', async () => {
    const f = fileTarget(3);
    const { t } = await webhookTarget(3);
    const m = new MultiTarget([f, t]);
    for (let i = 0; i < 5; i++) m.write(sampleEvent());
    expect(m.name).toBe('file+webhook');
    expect(m.stats()).toEqual({ queued: 6, dropped: 4, written: 0 });
    expect(Object.keys(m.byTarget())).toEqual(['file', 'webhook']);
    await m.close();
    expect(m.stats().written).toBeGreaterThanOrEqual(2 * 4);
  });
});
