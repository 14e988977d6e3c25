import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { signedHeaders } from './authenticate-step.js';

/** Sends a raw request head and resolves with the server's IncomingMessage. */
async function receive(head: string): Promise<IncomingMessage> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const got = once(server, 'request') as Promise<[IncomingMessage, { end(): void }]>;
  const socket = connect(port, '127.0.0.1', () => socket.write(head));
  const [req, res] = await got;
  res.end();
  socket.destroy();
  server.close();
  return req;
}

describe('signedHeaders', () => {
  it('is the plain header map when no name repeats', async () => {
    const req = await receive(
      'GET /b/k HTTP/1.1\r\nHost: h\r\nX-Amz-Date: 20261201T000000Z\r\nX-Amz-Meta-A: 1\r\n\r\n',
    );
    expect(signedHeaders(req)).toBe(req.headers);
    expect(signedHeaders(req)['x-amz-meta-a']).toBe('1');
  });

  it('keeps repeated headers apart (headersDistinct), also those node would drop or join', async () => {
    const req = await receive(
      'GET /b/k HTTP/1.1\r\nHost: h\r\nX-Amz-Meta-A: 1\r\nx-amz-meta-a: 2\r\nUser-Agent: u1\r\nUser-Agent: u2\r\n\r\n',
    );
    const headers = signedHeaders(req);
    expect(headers['x-amz-meta-a']).toEqual(['1', '2']);
    expect(headers['user-agent']).toEqual(['u1', 'u2']);
    expect(headers.host).toEqual(['h']);
  });
});
