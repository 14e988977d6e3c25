import type { Socket } from 'node:net';

/** How long a closing connection keeps reading what the client still sends (ms). */
const LINGER_MS = 2000;
/** How much of it (bytes) before giving up and closing at once. */
const LINGER_BYTES = 8 * 1024 * 1024;

const lingering = new WeakSet<Socket>();

/**
 * Closes a connection whose request body was not read (a refused upload) the way HTTP servers
 * "linger": after the answer, the server ends its side and goes on reading and discarding for a
 * moment, so that the client reads the answer before the connection goes away. Destroying a
 * socket that still has unread data makes the kernel send a reset, and a reset that overtakes
 * the answer leaves the client with ECONNRESET or EPIPE instead of the error it should see.
 *
 * Bounded: at most LINGER_MS and LINGER_BYTES, then the socket is destroyed anyway.
 */
export function lingerOnClose(socket: Socket | null | undefined): void {
  if (socket == null || lingering.has(socket)) return;
  lingering.add(socket);
  // node:http ends a `Connection: close` response's socket with destroySoon(): end and destroy.
  socket.destroySoon = function lingerThenDestroy(this: Socket) {
    if (this.destroyed) return;
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      this.destroy();
    };
    this.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > LINGER_BYTES) done();
    });
    this.once('end', done);
    this.once('error', done);
    this.end();
    this.resume();
  };
}
