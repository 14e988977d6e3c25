import { describe, expect, it } from 'vitest';
import type { Exchange } from '../exchange.js';
import { createHealthApi, type HealthProbe } from './health-api.js';

function exchange(method: string, path: string, query = ''): Exchange {
  return {
    req: { method },
    rawPath: path,
    rawQuery: query,
    query: new URLSearchParams(query),
  } as unknown as Exchange;
}

const fine: HealthProbe = { name: 'fine', check: async () => {} };
const broken: HealthProbe = {
  name: 'metadata',
  check: async () => {
    throw new Error('SQLITE_CANTOPEN');
  },
};
const stuck: HealthProbe = { name: 'blobs', check: () => new Promise(() => {}) };

async function status(api: ReturnType<typeof createHealthApi>, method: string, path: string, query = '') {
  const answer = await api.serve(exchange(method, path, query), undefined, { api: 'Health' });
  return answer.status;
}

describe('health API', () => {
  it('answers 200 while every probe passes; live never asks the probes', async () => {
    const api = createHealthApi({ ready: [fine], writable: [fine] });
    for (const path of [
      '/minio/health/live',
      '/minio/health/ready',
      '/minio/health/cluster',
      '/minio/health/cluster/read',
    ])
      expect([path, await status(api, 'GET', path)]).toEqual([path, 200]);
    const down = createHealthApi({ ready: [broken], writable: [broken] });
    expect(await status(down, 'HEAD', '/minio/health/live')).toBe(200);
  });

  it('ready is 503 when the metadata store fails, cluster too; the failure is logged once a minute', async () => {
    const logged: string[] = [];
    const api = createHealthApi({
      ready: [fine, broken],
      writable: [fine, broken],
      log: (message) => logged.push(message),
    });
    expect(await status(api, 'GET', '/minio/health/ready')).toBe(503);
    expect(await status(api, 'GET', '/minio/health/ready')).toBe(503);
    expect(await status(api, 'GET', '/minio/health/cluster')).toBe(503);
    expect(logged).toEqual(['health: the metadata probe failed']);
  });

  it('a probe that does not answer within the timeout fails', async () => {
    const api = createHealthApi({ ready: [stuck], writable: [stuck], timeoutMs: 20 });
    expect(await status(api, 'GET', '/minio/health/ready')).toBe(503);
  });

  it('cluster needs the write probes; ready only the read ones', async () => {
    const api = createHealthApi({ ready: [fine], writable: [fine, broken] });
    expect(await status(api, 'GET', '/minio/health/ready')).toBe(200);
    expect(await status(api, 'GET', '/minio/health/cluster/read')).toBe(200);
    expect(await status(api, 'GET', '/minio/health/cluster')).toBe(503);
  });

  it('maintenance=true is 412 (taking the only node down loses write quorum)', async () => {
    const api = createHealthApi({ ready: [fine], writable: [fine] });
    expect(await status(api, 'GET', '/minio/health/cluster', 'maintenance=true')).toBe(412);
    expect(await status(api, 'GET', '/minio/health/cluster', 'maintenance=false')).toBe(200);
  });

  it('refuses other methods and unknown health paths', async () => {
    const api = createHealthApi({ ready: [fine], writable: [fine] });
    await expect(status(api, 'POST', '/minio/health/live')).rejects.toMatchObject({
      code: 'MethodNotAllowed',
    });
    await expect(status(api, 'GET', '/minio/health/nope')).rejects.toMatchObject({ code: 'NotImplemented' });
  });
});
