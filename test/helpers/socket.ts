import { connect, type Socket } from 'node:net';
import { signer } from './raw.js';

/** A raw TCP connection to the server that records what comes back and when it closes. */
export interface RawConnection {
  socket: Socket;
  received: () => Buffer;
  /** Resolves when the server (or the test) closes the connection. */
  closed: Promise<void>;
  isClosed: () => boolean;
}

export async function openConnection(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  let closed = false;
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => {});
  const done = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return { socket, received: () => Buffer.concat(chunks), closed: done, isClosed: () => closed };
}

/** Waits for `p`, or gives up after `ms` and answers 'gave up'. */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | 'gave up'> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<'gave up'>((resolve) => {
    timer = setTimeout(() => resolve('gave up'), ms);
  });
  try {
    return await Promise.race([p, giveUp]);
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The request line and SigV4-signed headers of a request whose body the caller writes itself.
 * `payloadHash` is the x-amz-content-sha256 value (UNSIGNED-PAYLOAD or the body's SHA-256).
 */
export async function signedHead(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  payloadHash = 'UNSIGNED-PAYLOAD',
): Promise<string> {
  const all: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    'x-amz-content-sha256': payloadHash,
    ...headers,
  };
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path,
    query: {},
    headers: all,
  });
  const lines = Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}\r\n`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n`;
}
