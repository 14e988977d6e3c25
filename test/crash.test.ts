import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type _Object,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-crash-'));
const groupDir = mkdtempSync(join(tmpdir(), 'tessera-crash-group-'));
const BUCKET = 'crash';
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(groupDir, { recursive: true, force: true });
});

function md5(b: Buffer | Uint8Array): string {
  return createHash('md5').update(b).digest('hex');
}

/** What a key holds: the MD5 of its body, or null when it has no object. */
type State = string | null;
interface Key {
  /** The state after the last acknowledged write (or as read back after a restart). */
  acked: State;
  /** The state the write in flight would leave, while one is (at most one: a key has one writer). */
  inflight?: State;
}

type Kind = 'put-small' | 'multipart' | 'copy' | 'delete' | 'put-blob';
const KINDS: Kind[] = ['put-small', 'multipart', 'copy', 'delete', 'put-blob'];
const WRITERS = 6;
const KEYS_PER_WRITER = 4;
const PART = 5 * 1024 * 1024;
const ROUNDS = 5;

/** The connection errors a kill -9 causes; any other error is a failure. */
const CUT = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
function cutCode(e: unknown): string | undefined {
  if (e instanceof S3ServiceException) return undefined; // the server answered
  const code = (e as { code?: string }).code;
  if (code !== undefined) return CUT.has(code) ? code : undefined;
  return /socket hang up|aborted/i.test(String((e as Error).message)) ? 'ECONNRESET' : undefined;
}
/** Thrown to end a writer once the connection was cut. */
class Cut extends Error {}

async function stateOf(s3: S3Client, key: string, bucket = BUCKET): Promise<State> {
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return md5(await got.Body!.transformToByteArray());
  } catch (e) {
    if (e instanceof S3ServiceException && e.name === 'NoSuchKey') return null;
    throw e;
  }
}
const show = (s: State | undefined) => (s === undefined ? 'nothing' : s === null ? 'no object' : s);

/**
 * Concurrent writers (PUTs inline-sized and blob-sized, multipart uploads of one and of two parts,
 * copies, deletes; each key overwritten many times by its one writer), kill -9 of the whole
 * server at a random moment, restart: each key holds exactly the state of its last acknowledged
 * write, or of the one write in flight at the kill, and nothing else (no partial object, no older
 * version, no resurrected delete). A writer error other than its connection being cut by the kill
 * fails the test.
 */
describe('crash safety', () => {
  it('keeps every key at its last acknowledged write across kill -9 at random moments', async () => {
    const keys = new Map<string, Key>();
    const name = (w: number, k: number) => `w${w}-k${k}`;
    for (let w = 0; w < WRITERS; w++)
      for (let k = 0; k < KEYS_PER_WRITER; k++) keys.set(name(w, k), { acked: null });
    const acked = new Map<Kind, number>(KINDS.map((k) => [k, 0]));

    /** Reads every key back and checks it against the model; the read state becomes the truth. */
    async function verify(s3: S3Client, when: string) {
      const wrong: string[] = [];
      for (const [key, m] of keys) {
        const got = await stateOf(s3, key);
        const allowed = m.inflight === undefined ? [m.acked] : [m.acked, m.inflight];
        if (!allowed.includes(got))
          wrong.push(
            `${key}: holds ${show(got)}; last acknowledged ${show(m.acked)}, in flight ${show(m.inflight)}`,
          );
        keys.set(key, { acked: got });
      }
      expect(wrong, when).toEqual([]);
      // Nothing is listed that the model says is absent, and every listed object reads whole.
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
      const present = [...keys].filter(([, m]) => m.acked !== null).map(([k]) => k);
      expect((listed.Contents ?? []).map((o) => o.Key).sort(), when).toEqual(present.sort());
    }

    for (let round = 0; round < ROUNDS; round++) {
      server = await startServer({ dataDir, workers: 2 });
      const s3 = s3Client(server, { maxAttempts: 1 });
      if (round === 0) await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      else await verify(s3, `after crash ${round}`);

      let stop = false;
      let killing = false;
      const failures: string[] = [];
      const writer = async (w: number) => {
        /** Runs one request; a cut connection during the kill ends the writer, anything else fails. */
        const send = async <T>(what: string, request: () => Promise<T>, m?: Key): Promise<T> => {
          try {
            return await request();
          } catch (e) {
            const cut = killing ? cutCode(e) : undefined;
            if (cut === undefined)
              failures.push(`writer ${w} ${what}: ${(e as Error).name}: ${(e as Error).message}`);
            // Refused: the request never reached the server, so it changed nothing.
            if (m && cut === 'ECONNREFUSED') delete m.inflight;
            throw new Cut();
          }
        };
        /** A write that leaves `key` in state `next` once acknowledged. */
        const write = async (kind: Kind, key: string, next: State, request: () => Promise<unknown>) => {
          const m = keys.get(key)!;
          m.inflight = next;
          await send(`${kind} ${key}`, request, m);
          keys.set(key, { acked: next });
          acked.set(kind, acked.get(kind)! + 1);
        };
        for (let i = 0; !stop; i++) {
          const j = i + w + round;
          const kind = KINDS[j % KINDS.length]!;
          const key = name(w, j % KEYS_PER_WRITER);
          if (kind === 'put-small' || kind === 'put-blob') {
            const body = randomBytes(kind === 'put-small' ? 1000 + i : 300 * 1024 + i);
            await write(kind, key, md5(body), async () => {
              const r = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
              if (r.ETag !== `"${md5(body)}"`) throw new Error(`ETag ${r.ETag}`);
            });
          } else if (kind === 'delete') {
            await write(kind, key, null, () =>
              s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key })),
            );
          } else if (kind === 'copy') {
            // From another key of this writer that has an object (its state is known exactly).
            const from = [...Array(KEYS_PER_WRITER).keys()]
              .map((k) => name(w, k))
              .find((k) => k !== key && keys.get(k)!.acked !== null);
            if (from === undefined) continue;
            await write(kind, key, keys.get(from)!.acked, () =>
              s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: key, CopySource: `${BUCKET}/${from}` })),
            );
          } else {
            // Multipart: the key changes only when Complete is acknowledged.
            const parts =
              j % 10 < 5 ? [randomBytes(PART), randomBytes(700 + i)] : [randomBytes(64 * 1024 + i)];
            const created = await send(`create ${key}`, () =>
              s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key })),
            );
            const done: { PartNumber: number; ETag: string }[] = [];
            for (const [n, body] of parts.entries()) {
              const r = await send(`part ${n + 1} ${key}`, () =>
                s3.send(
                  new UploadPartCommand({
                    Bucket: BUCKET,
                    Key: key,
                    UploadId: created.UploadId,
                    PartNumber: n + 1,
                    Body: body,
                  }),
                ),
              );
              done.push({ PartNumber: n + 1, ETag: r.ETag! });
            }
            await write(kind, key, md5(Buffer.concat(parts)), () =>
              s3.send(
                new CompleteMultipartUploadCommand({
                  Bucket: BUCKET,
                  Key: key,
                  UploadId: created.UploadId,
                  MultipartUpload: { Parts: done },
                }),
              ),
            );
          }
        }
      };
      const writers = Array.from({ length: WRITERS }, (_, w) =>
        writer(w).catch((e: unknown) => {
          if (!(e instanceof Cut)) failures.push(`writer ${w}: ${String(e)}`);
        }),
      );
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 1000));
      killing = true;
      await server.kill9();
      stop = true;
      await Promise.all(writers);
      s3.destroy();
      expect(failures, `round ${round}`).toEqual([]);
    }

    server = await startServer({ dataDir, workers: 2 });
    const s3 = s3Client(server);
    await verify(s3, 'after the last crash');
    // Every kind of write was acknowledged (and so checked across a crash) at least once.
    for (const kind of KINDS) expect(acked.get(kind), kind).toBeGreaterThan(0);
    // Temporary files of interrupted writes were cleaned at start.
    const tmp = join(dataDir, '.tessera', 'tmp');
    if (existsSync(tmp)) expect(readdirSync(tmp)).toEqual([]);
    s3.destroy();
  }, 120_000);
});

/** Every key in `bucket` (ListObjectsV2, all pages). */
async function listAll(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o: _Object) => o.Key!));
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return keys;
}

const GROUP_BUCKET = 'group';
const GROUP_WRITERS = 32;
const GROUP_ROUNDS = 3;

/**
 * Group commit (docs/architecture.md "Durability"): 32 writers of small (inline) PUTs on two
 * workers, so that many commits share each WAL fdatasync, kill -9 while they are in flight,
 * restart: every acknowledged PUT reads back with its bytes, an unacknowledged one is either
 * whole or absent, and nothing else exists. Each writer makes new keys and overwrites its own.
 */
describe('crash safety under group commit', () => {
  it('keeps every acknowledged PUT of 32 concurrent writers across kill -9', async () => {
    const keys = new Map<string, Key>();
    let total = 0;
    for (let round = 0; round < GROUP_ROUNDS; round++) {
      server = await startServer({ dataDir: groupDir, workers: 2 });
      const s3 = s3Client(server, { maxAttempts: 1 });
      if (round === 0) await s3.send(new CreateBucketCommand({ Bucket: GROUP_BUCKET }));
      else await verifyGroup(s3, keys, `after crash ${round}`);
      let killing = false;
      let acked = 0;
      const failures: string[] = [];
      const writer = async (w: number) => {
        for (let i = 0; ; i++) {
          // Mostly new keys; every third write overwrites one of this writer's earlier keys.
          const key = i % 3 === 2 ? `r${round}-w${w}-${i - 2}` : `r${round}-w${w}-${i}`;
          const body = randomBytes(1024 + ((w + i) % 64));
          const m = keys.get(key) ?? { acked: null };
          keys.set(key, m);
          m.inflight = md5(body);
          try {
            await s3.send(new PutObjectCommand({ Bucket: GROUP_BUCKET, Key: key, Body: body }));
          } catch (e) {
            const cut = killing ? cutCode(e) : undefined;
            if (cut === undefined)
              failures.push(`writer ${w} ${key}: ${(e as Error).name}: ${(e as Error).message}`);
            if (cut === 'ECONNREFUSED') delete m.inflight;
            return;
          }
          keys.set(key, { acked: md5(body) });
          acked++;
        }
      };
      const writers = Array.from({ length: GROUP_WRITERS }, (_, w) => writer(w));
      await new Promise((r) => setTimeout(r, 400 + Math.random() * 600));
      killing = true;
      const inflight = [...keys.values()].filter((m) => m.inflight !== undefined).length;
      await server.kill9();
      await Promise.all(writers);
      s3.destroy();
      expect(failures, `round ${round}`).toEqual([]);
      expect(acked, `round ${round}: PUTs acknowledged before the kill`).toBeGreaterThan(0);
      expect(inflight, `round ${round}: PUTs in flight at the kill`).toBeGreaterThan(0);
      total += acked;
    }
    server = await startServer({ dataDir: groupDir, workers: 2 });
    const s3 = s3Client(server);
    await verifyGroup(s3, keys, 'after the last crash');
    expect(total).toBeGreaterThan(GROUP_WRITERS);
    s3.destroy();
  }, 60_000);
});

/** Reads every key back (32 at a time) against the model; the state read becomes the truth. */
async function verifyGroup(s3: S3Client, keys: Map<string, Key>, when: string): Promise<void> {
  const wrong: string[] = [];
  const all = [...keys];
  for (let i = 0; i < all.length; i += 32) {
    await Promise.all(
      all.slice(i, i + 32).map(async ([key, m]) => {
        const got = await stateOf(s3, key, GROUP_BUCKET);
        const allowed = m.inflight === undefined ? [m.acked] : [m.acked, m.inflight];
        if (!allowed.includes(got))
          wrong.push(
            `${key}: holds ${show(got)}; acknowledged ${show(m.acked)}, in flight ${show(m.inflight)}`,
          );
        keys.set(key, { acked: got });
      }),
    );
  }
  expect(wrong, when).toEqual([]);
  const present = [...keys].filter(([, m]) => m.acked !== null).map(([k]) => k);
  expect((await listAll(s3, GROUP_BUCKET)).sort(), when).toEqual(present.sort());
}
