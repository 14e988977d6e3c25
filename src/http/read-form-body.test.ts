import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sha256Hex, TesseraError } from '../core/index.js';
import { readFormBody, readVerifiedFormBody } from './read-form-body.js';

/** A server whose handler reads the body with `read`; resolves with what it got (or the error). */
async function serve(read: (req: IncomingMessage) => Promise<Buffer>) {
  const results: Promise<Buffer | Error>[] = [];
  const server = createServer((req, res) => {
    const r = read(req).then(
      (b) => b,
      (e: Error) => e,
    );
    results.push(r);
    void r.then(() => res.end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const send = async (raw: string, end = true): Promise<Socket> => {
    const s = connect(port, '127.0.0.1');
    await once(s, 'connect');
    s.on('error', () => {});
    s.write(raw);
    if (end) s.end();
    return s;
  };
  const next = async () => {
    while (results.length === 0) await new Promise((r) => setTimeout(r, 5));
    return results.shift()!;
  };
  return { send, next, close: () => server.close() };
}

const post = (body: string, length = body.length) =>
  `POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ${length}\r\n\r\n${body}`;

describe('readFormBody', () => {
  it('reads the whole body', async () => {
    const s = await serve((req) => readFormBody(req, 100));
    await s.send(post('Action=AssumeRole&Version=2011-06-15'));
    expect(String(await s.next())).toBe('Action=AssumeRole&Version=2011-06-15');
    s.close();
  });

  it('refuses a body over the limit', async () => {
    const s = await serve((req) => readFormBody(req, 10));
    await s.send(post('x'.repeat(50)));
    const e = await s.next();
    expect(e).toBeInstanceOf(TesseraError);
    expect((e as TesseraError).code).toBe('MaxMessageLengthExceeded');
    s.close();
  });

  it('fails with IncompleteBody when the client goes away mid-body', async () => {
    const s = await serve((req) => readFormBody(req, 1000));
    const socket = await s.send(post('Action=', 100), false);
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    const e = await s.next();
    expect((e as TesseraError).code).toBe('IncompleteBody');
    s.close();
  });
});

describe('readVerifiedFormBody', () => {
  const verified = (expected: string) =>
    ({
      kind: 'sigv4-header',
      principal: undefined,
      payload: { type: 'sha256', expected },
      payloadSigned: true,
    }) as const;

  it('checks the signed SHA-256 of the body', async () => {
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const s = await serve((req) =>
      readVerifiedFormBody(req, verified(req.headers['x-hash'] as string), 1000),
    );
    const withHash = (h: string) =>
      `POST / HTTP/1.1\r\nHost: h\r\nX-Hash: ${h}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    await s.send(withHash(sha256Hex(body)));
    expect(String(await s.next())).toBe(body);
    await s.send(withHash(sha256Hex(`${body}x`)));
    expect(((await s.next()) as TesseraError).code).toBe('XAmzContentSHA256Mismatch');
    s.close();
  });
});
