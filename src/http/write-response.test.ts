/**
 * writeResponse sends header values byte for byte as stored (Latin-1 strings: one character per
 * byte), whatever the body: string, Buffer, stream or none (HEAD). Read back from a raw socket.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Response } from '../s3/index.js';
import { writeResponse } from './respond.js';

/** "café ☕" in UTF-8, as a stored header value holds it (Latin-1 string of the bytes). */
const RAW = Buffer.from('café ☕', 'utf8');
const STORED = RAW.toString('latin1');
const DISPOSITION = `attachment; filename="${STORED}.txt"`;

const bodies: Record<string, () => S3Response['body']> = {
  string: () => '<xml>é</xml>',
  buffer: () => Buffer.from('buffer body'),
  empty: () => Buffer.alloc(0),
  stream: () => Readable.from([Buffer.from('streamed '), Buffer.from('body')]),
  none: () => undefined,
};
const LENGTHS: Record<string, number> = { string: 13, buffer: 11, empty: 0, stream: 13, none: 0 };

let server: Server;
beforeAll(async () => {
  server = createServer((req, res) => {
    const [, kind, ascii] = (req.url ?? '').split('/');
    const headers: Record<string, string | number> = ascii
      ? { 'x-amz-meta-name': 'plain', 'content-disposition': 'attachment' }
      : { 'x-amz-meta-name': STORED, 'content-disposition': DISPOSITION };
    // Handlers set Content-Length (HEAD answers announce the length of the body they leave out).
    if (kind !== 'none') headers['content-length'] = LENGTHS[kind!]!;
    const response: S3Response = { status: 200, headers };
    const body = bodies[kind!]!();
    if (body !== undefined) response.body = body;
    void writeResponse(req, res, response);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function exchange(method: string, path: string): Promise<{ head: Buffer; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`${method} ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`),
    );
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      resolve({ head: all.subarray(0, end + 2), body: all.subarray(end + 4) });
    });
  });
}

function headerBytes(head: Buffer, name: string): Buffer | undefined {
  const marker = Buffer.from(`\r\n${name}: `);
  const start = head.indexOf(marker);
  if (start < 0) return undefined;
  return head.subarray(start + marker.length, head.indexOf('\r\n', start + marker.length));
}

describe('writeResponse', () => {
  it.each(
    Object.keys(bodies).flatMap((k) => [
      ['GET', k],
      ['HEAD', k],
    ]),
  )('%s with a %s body sends header bytes ≥ 0x80 unchanged', async (method, kind) => {
    const { head, body } = await exchange(method, `/${kind}`);
    expect(head.toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
    expect(headerBytes(head, 'x-amz-meta-name')?.toString('hex')).toBe(RAW.toString('hex'));
    expect(headerBytes(head, 'content-disposition')?.toString('latin1')).toBe(DISPOSITION);
    expect(headerBytes(head, 'transfer-encoding')).toBeUndefined();
    if (kind !== 'none') expect(headerBytes(head, 'content-length')?.toString()).toBe(String(LENGTHS[kind]));
    expect(body.length).toBe(method === 'HEAD' ? 0 : LENGTHS[kind]);
  });

  it.each(Object.keys(bodies))('ASCII headers with a %s body: unchanged framing', async (kind) => {
    const { head, body } = await exchange('GET', `/${kind}/ascii`);
    expect(headerBytes(head, 'x-amz-meta-name')?.toString()).toBe('plain');
    expect(headerBytes(head, 'transfer-encoding')).toBeUndefined();
    expect(body.length).toBe(LENGTHS[kind]);
  });
});
