import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './helpers/server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/**
 * An anonymous PUT of 32 MiB, written as fast as the socket takes it, without waiting for
 * 100-continue: the server refuses it before reading the body. What the client reads before the
 * connection ends.
 */
function refusedUpload(port: number): Promise<{ answer: string; error?: string }> {
  return new Promise((resolve) => {
    const size = 32 * 1024 * 1024;
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let error: string | undefined;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      answer += d;
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on('close', () => resolve({ answer, ...(error === undefined ? {} : { error }) }));
    socket.on('connect', () => {
      socket.write(
        `PUT /no-such-bucket/big HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${size}\r\n\r\n`,
      );
      const chunk = Buffer.alloc(64 * 1024, 7);
      let sent = 0;
      const pump = () => {
        while (sent < size && !socket.destroyed) {
          sent += chunk.length;
          if (!socket.write(chunk)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  });
}

describe('a refused upload whose body was not read', () => {
  it('gets its error answer, then the connection closes (no reset overtakes the answer)', async () => {
    const port = Number(new URL(server.endpoint).port);
    for (let i = 0; i < 5; i++) {
      const { answer } = await refusedUpload(port);
      expect(answer).toMatch(/^HTTP\/1\.1 (403|404) /);
      expect(answer).toMatch(/connection: close/i);
      expect(answer).toMatch(/<Code>(AccessDenied|NoSuchBucket)<\/Code>/);
    }
  });
});
