import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChunkedDecoder, createPayloadHashCheck } from '../../auth/index.js';
import { encodeAwsChunked, signHeader } from '../../auth/test-signer.js';
import { checksumBase64, createChecksum, formatAmzDate } from '../../core/index.js';
import { FsBlobStore } from '../../storage/index.js';
import { DigestThreads } from './digest-threads.js';
import { storeThreaded } from './threaded-store.js';

const creds = { accessKey: 'AKIDEXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
let root: string;
let blobs: FsBlobStore;
let threads: DigestThreads;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tessera-threads-'));
  blobs = await FsBlobStore.open(root);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const files = (dir: string) => readdirSync(join(root, dir), { recursive: true, withFileTypes: true });
const blobFiles = () => files('blobs').filter((e) => e.isFile());

/**
 * A signed aws-chunked body of `data` cut in `chunk`-byte chunks, decoded by the real decoder.
 * `early` bytes of the body are decoded before the caller gets the decoder (as in the server,
 * where the first chunks arrive while the request is authorized): those the decoder checks itself.
 */
function signedDecoder(data: Buffer, chunk: number, corrupt?: (body: Buffer) => void, early = 0) {
  const amzDate = formatAmzDate(Date.now());
  const headers = { host: 'example.com', 'content-encoding': 'aws-chunked' };
  const signed = signHeader(
    { method: 'PUT', rawPath: '/b/k', headers },
    creds,
    amzDate,
    'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  );
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) chunks.push(data.subarray(i, i + chunk));
  const body = encodeAwsChunked(chunks, {
    signing: { signingKey: signed.signingKey, amzDate, scope: signed.scope, seed: signed.signature },
  });
  corrupt?.(body);
  const decoder = createChunkedDecoder({
    signing: { signingKey: signed.signingKey, amzDate, scope: signed.scope, seedSignature: signed.signature },
    trailers: [],
    signedTrailer: false,
    decodedLength: data.length,
  });
  // Odd piece sizes: the HTTP reads never line up with the chunk framing or the slots.
  decoder.write(body.subarray(0, early));
  const pieces: Buffer[] = [];
  for (let i = early; i < body.length; i += 50_001) pieces.push(body.subarray(i, i + 50_001));
  Readable.from(pieces).pipe(decoder);
  return decoder;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest();

describe.each([1, 2] as const)('storeThreaded with %i hash thread(s)', (count) => {
  beforeAll(async () => {
    // A small ring (4 slots of 64 KiB): every upload below waits for slots (backpressure).
    threads = await DigestThreads.start({ threads: count, slots: 4, slotSize: 64 * 1024 });
  });
  afterAll(async () => {
    await threads.stop();
  });
  afterEach(() => {
    // Every upload, stored or failed, gives all its slots back.
    expect(threads.ring.freeSlots).toBe(4);
  });

  it('stores a signed aws-chunked body byte-identical, with its MD5 and checksum', async () => {
    const data = randomBytes(1024 * 1024 + 777);
    const hasher = createChecksum('CRC32C');
    const got = await storeThreaded(threads, blobs, signedDecoder(data, 65536), { maxSize: 1e9, hasher });
    expect(got.size).toBe(data.length);
    expect(got.md5.equals(md5(data))).toBe(true);
    // The blob's CRC-32 (what whole-blob reads check) comes from the hash threads.
    expect(got.crc32).toBe(crc32(data));
    expect(hasher.digest().toString('base64')).toBe(checksumBase64('CRC32C', data));
    const id = got.written.blobId;
    expect(readFileSync(join(root, 'blobs', id.slice(0, 2), id)).equals(data)).toBe(true);
  });

  it('takes the chunk hashes over mid-chunk, after the decoder checked the first chunks itself', async () => {
    const data = randomBytes(900_000);
    for (const early of [100_000, 65_536 + 90]) {
      const decoder = signedDecoder(data, 65536, undefined, early);
      const got = await storeThreaded(threads, blobs, decoder, { maxSize: 1e9 });
      expect(got.md5.equals(md5(data))).toBe(true);
    }
    const bad = signedDecoder(data, 65536, (b) => void (b[700_000] = b[700_000]! ^ 1), 100_000);
    await expect(storeThreaded(threads, blobs, bad, { maxSize: 1e9 })).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });

  it('hashes an unsigned body (no SHA-256 work) and an empty one: MD5 and CRC-32 still right', async () => {
    const data = randomBytes(300_001);
    const got = await storeThreaded(threads, blobs, Readable.from([data.subarray(0, 7), data.subarray(7)]), {
      maxSize: 1e9,
    });
    expect(got.md5.equals(md5(data))).toBe(true);
    expect(got.crc32).toBe(crc32(data));
    const empty = await storeThreaded(threads, blobs, Readable.from([]), { maxSize: 1e9 });
    expect(empty.size).toBe(0);
    expect(empty.md5.equals(md5(Buffer.alloc(0)))).toBe(true);
    expect(empty.crc32).toBe(0);
  });

  it('checks x-amz-content-sha256 on the SHA-256 thread', async () => {
    const data = randomBytes(300_000);
    const good = createPayloadHashCheck(createHash('sha256').update(data).digest('hex'));
    Readable.from([data.subarray(0, 1000), data.subarray(1000)]).pipe(good);
    expect((await storeThreaded(threads, blobs, good, { maxSize: 1e9 })).size).toBe(data.length);
    const before = blobFiles().length;
    const bad = createPayloadHashCheck('0'.repeat(64));
    Readable.from([data]).pipe(bad);
    await expect(storeThreaded(threads, blobs, bad, { maxSize: 1e9 })).rejects.toMatchObject({
      code: 'XAmzContentSHA256Mismatch',
    });
    expect(blobFiles().length).toBe(before);
  });

  it('fails a tampered chunk with SignatureDoesNotMatch and leaves no file', async () => {
    const before = blobFiles().length;
    const data = randomBytes(700_000);
    const decoder = signedDecoder(data, 65536, (body) => {
      body[400_000] = body[400_000]! ^ 1;
    });
    await expect(storeThreaded(threads, blobs, decoder, { maxSize: 1e9 })).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
    expect(blobFiles().length).toBe(before);
    expect(files('tmp')).toEqual([]);
  });

  it('fails a body over the size limit with EntityTooLarge', async () => {
    const data = randomBytes(500_000);
    await expect(
      storeThreaded(threads, blobs, signedDecoder(data, 65536), { maxSize: 200_000 }),
    ).rejects.toMatchObject({ code: 'EntityTooLarge' });
    expect(files('tmp')).toEqual([]);
  });

  it('fails the uploads of a hash thread that dies with InternalError; a new thread serves the next', async () => {
    const before = blobFiles().length;
    const data = randomBytes(2 * 1024 * 1024);
    const source = new Readable({ read() {} });
    const pending = storeThreaded(threads, blobs, source, { maxSize: 1e9 });
    source.push(data.subarray(0, 100_000));
    threads.crash();
    await expect(pending).rejects.toMatchObject({ code: 'InternalError' });
    expect(source.destroyed).toBe(true);
    expect(blobFiles().length).toBe(before);
    expect(files('tmp')).toEqual([]);
    const next = await storeThreaded(threads, blobs, Readable.from([data]), { maxSize: 1e9 });
    expect(next.md5.equals(md5(data))).toBe(true);
  });

  it('stops reading when the store fails before it reads (e.g. no temporary file)', async () => {
    const failing = {
      write: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    } as unknown as FsBlobStore;
    const source = Readable.from([randomBytes(1_000_000)]);
    await expect(storeThreaded(threads, failing, source, { maxSize: 1e9 })).rejects.toThrow('ENOSPC');
    expect(source.destroyed).toBe(true);
  });

  it('a source that fails mid-body leaves nothing and frees its slots', async () => {
    const source = new Readable({ read() {} });
    const pending = storeThreaded(threads, blobs, source, { maxSize: 1e9 });
    source.push(randomBytes(300_000));
    setImmediate(() => source.destroy(new Error('client went away')));
    await expect(pending).rejects.toThrow('client went away');
    expect(files('tmp')).toEqual([]);
  });
});
