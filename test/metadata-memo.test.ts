import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawRequest, rawRequest } from './helpers/raw.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * The metadata read memo (docs/operations.md) across worker processes: each worker remembers its
 * GetObject / HeadObject lookups, and a write acknowledged by one worker must be what the next
 * read on any other worker sees. Every request is on a connection of its own (`connection:
 * close`), so that the cluster hands them to both workers in turn; the request id's first four
 * characters name the process that answered.
 */
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ workers: 2 });
});
afterAll(async () => {
  await server?.stop();
});

const send = (r: RawRequest) =>
  rawRequest(server.port, { ...r, headers: { ...r.headers, connection: 'close' } });
const workerOf = (headers: Record<string, string | string[] | undefined>) =>
  String(headers['x-amz-request-id']).slice(0, 4);

describe('object lookups remembered by each worker', () => {
  it('never hide a write another worker acknowledged', async () => {
    expect((await send({ method: 'PUT', path: '/memo' })).status).toBe(200);
    const answered = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const put = await send({ method: 'PUT', path: '/memo/key', body: `version ${i}` });
      expect(put.status).toBe(200);
      answered.add(workerOf(put.headers));
      for (let j = 0; j < 3; j++) {
        const get = await send({ method: 'GET', path: '/memo/key' });
        expect(get.status).toBe(200);
        expect(get.body).toBe(`version ${i}`);
        const head = await send({ method: 'HEAD', path: '/memo/key' });
        expect(head.headers.etag).toBe(get.headers.etag);
        answered.add(workerOf(get.headers));
      }
      if (i % 4 === 3) {
        expect((await send({ method: 'DELETE', path: '/memo/key' })).status).toBe(204);
        for (let j = 0; j < 3; j++)
          expect((await send({ method: 'HEAD', path: '/memo/key' })).status).toBe(404);
      }
    }
    // Both workers answered: the reads did cross from one worker's writes to the other's memo.
    expect(answered.size).toBe(2);
  });
});
