import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { rawRequest } from './helpers/raw.js';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-crash-versioned-'));
const BUCKET = 'crash-versions';
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function md5(b: Buffer | Uint8Array): string {
  return createHash('md5').update(b).digest('hex');
}

/** One version of a key as the test knows it: a delete marker, or an object with its bytes' MD5. */
interface Version {
  id: string;
  marker: boolean;
  md5?: string;
}
type InFlight = { kind: 'put'; md5: string } | { kind: 'marker' } | { kind: 'delete-version'; id: string };
interface Key {
  /** Acknowledged versions (or as read back after a restart), newest first. */
  versions: Version[];
  /** Version ids whose DELETE ?versionId= was acknowledged: never to be listed again. */
  deleted: Set<string>;
  /** The one request in flight on this key (a key has one writer). */
  inflight?: InFlight;
}

type Kind = 'put-small' | 'put-blob' | 'delete-marker' | 'delete-version';
const KINDS: Kind[] = [
  'put-small',
  'delete-version',
  'put-blob',
  'delete-marker',
  'put-small',
  'delete-version',
];
const WRITERS = 6;
const KEYS_PER_WRITER = 3;
const ROUNDS = 5;

/** The connection errors a kill -9 causes; any other error is a failure. */
const CUT = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
function cutCode(e: unknown): string | undefined {
  if (e instanceof S3ServiceException) return undefined; // the server answered
  const code = (e as { code?: string }).code;
  if (code !== undefined) return CUT.has(code) ? code : undefined;
  return /socket hang up|aborted/i.test(String((e as Error).message)) ? 'ECONNRESET' : undefined;
}
class Cut extends Error {}

interface Listed {
  key: string;
  id: string;
  marker: boolean;
  latest: boolean;
}

/** Every version and delete marker of the bucket (all pages), in the order S3 lists them. */
async function listAll(port: number): Promise<Listed[]> {
  const out: Listed[] = [];
  const query: Record<string, string> = { versions: '', 'max-keys': '500' };
  for (let page = 0; page < 1000; page++) {
    const res = await rawRequest(port, { method: 'GET', path: `/${BUCKET}`, query });
    if (res.status !== 200) throw new Error(`ListObjectVersions → ${res.status}: ${res.body.slice(0, 300)}`);
    const field = (xml: string, n: string) => new RegExp(`<${n}>([^<]*)</${n}>`).exec(xml)?.[1];
    for (const m of res.body.matchAll(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g))
      out.push({
        key: field(m[2]!, 'Key')!,
        id: field(m[2]!, 'VersionId')!,
        marker: m[1] === 'DeleteMarker',
        latest: field(m[2]!, 'IsLatest') === 'true',
      });
    const top = res.body.replace(/<(Version|DeleteMarker)>[\s\S]*?<\/\1>/g, '');
    if (field(top, 'IsTruncated') !== 'true') return out;
    query['key-marker'] = field(top, 'NextKeyMarker')!;
    query['version-id-marker'] = field(top, 'NextVersionIdMarker')!;
  }
  throw new Error('ListObjectVersions never ends');
}

/**
 * Concurrent writers on a versioning-enabled bucket (PUTs inline-sized and blob-sized, DELETEs
 * that write delete markers, DELETE ?versionId= of one of the key's versions; each key has one
 * writer), kill -9 of the whole server at a random moment, restart: every acknowledged version is
 * listed, in order, and reads back whole by id; no acknowledged version delete is undone; the
 * only version the test does not know is the one write in flight at the kill, whole; a version
 * delete in flight may or may not have happened. A writer error other than its connection being
 * cut by the kill fails the test.
 */
describe('crash safety with versioning', () => {
  it('keeps every acknowledged version and version delete across kill -9', async () => {
    const keys = new Map<string, Key>();
    const name = (w: number, k: number) => `w${w}/k${k}`;
    for (let w = 0; w < WRITERS; w++)
      for (let k = 0; k < KEYS_PER_WRITER; k++) keys.set(name(w, k), { versions: [], deleted: new Set() });
    const acked = new Map<Kind, number>(KINDS.map((k) => [k, 0]));

    /** Reads everything back and checks it against the model; the state read becomes the truth. */
    async function verify(port: number, s3: S3Client, when: string) {
      const wrong: string[] = [];
      const listed = await listAll(port);
      const byKey = new Map<string, Listed[]>();
      for (const l of listed) {
        if (!keys.has(l.key)) wrong.push(`listed a key nobody wrote: ${l.key}`);
        byKey.set(l.key, [...(byKey.get(l.key) ?? []), l]);
      }
      for (const [key, m] of keys) {
        const got = byKey.get(key) ?? [];
        const known = new Map(m.versions.map((v) => [v.id, v]));
        const inflight = m.inflight;
        // Acknowledged versions are all there (a version delete in flight may have removed one), in order.
        const mayBeGone = inflight?.kind === 'delete-version' ? inflight.id : undefined;
        const gotIds = got.map((g) => g.id);
        for (const v of m.versions)
          if (!gotIds.includes(v.id) && v.id !== mayBeGone)
            wrong.push(
              `${key}: acknowledged ${v.marker ? 'delete marker' : 'version'} ${v.id} is not listed`,
            );
        const order = gotIds.filter((id) => known.has(id));
        const wantOrder = m.versions.map((v) => v.id).filter((id) => order.includes(id));
        if (order.join() !== wantOrder.join())
          wrong.push(`${key}: versions listed as ${order.join(' ')}, acknowledged ${wantOrder.join(' ')}`);
        for (const g of got) {
          if (m.deleted.has(g.id))
            wrong.push(`${key}: version ${g.id} was deleted (acknowledged) but is listed`);
          const k = known.get(g.id);
          if (k && k.marker !== g.marker)
            wrong.push(`${key}: ${g.id} listed as ${g.marker ? 'a delete marker' : 'a version'}`);
        }
        // At most one version the test does not know: the write in flight, newest of all.
        const unknown = got.filter((g) => !known.has(g.id) && !m.deleted.has(g.id));
        if (unknown.length > 0) {
          const u = unknown[0]!;
          const fits =
            unknown.length === 1 &&
            got[0]?.id === u.id &&
            ((inflight?.kind === 'put' && !u.marker) || (inflight?.kind === 'marker' && u.marker));
          if (!fits)
            wrong.push(
              `${key}: unknown versions ${unknown.map((x) => `${x.id}${x.marker ? ' (marker)' : ''}`).join(', ')}; in flight: ${inflight?.kind ?? 'nothing'}`,
            );
        }
        for (const [i, g] of got.entries())
          if (g.latest !== (i === 0)) wrong.push(`${key}: ${g.id} IsLatest ${g.latest} at position ${i}`);
        // Every listed version reads back whole by id.
        const next: Version[] = [];
        for (const g of got) {
          if (m.deleted.has(g.id)) continue;
          const k = known.get(g.id);
          const want = k ? k.md5 : inflight?.kind === 'put' ? inflight.md5 : undefined;
          if (!g.marker) {
            try {
              const obj = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, VersionId: g.id }));
              const sum = md5(await obj.Body!.transformToByteArray());
              if (sum !== want) wrong.push(`${key}: version ${g.id} reads ${sum}, want ${String(want)}`);
            } catch (e) {
              wrong.push(`${key}: GET ?versionId=${g.id}: ${(e as Error).name}`);
            }
          }
          next.push({ id: g.id, marker: g.marker, ...(want !== undefined ? { md5: want } : {}) });
        }
        // GET without a version agrees with the newest version.
        const newest = next[0];
        if (newest && !newest.marker) {
          const obj = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
          const sum = md5(await obj.Body!.transformToByteArray());
          if (sum !== newest.md5 || obj.VersionId !== newest.id)
            wrong.push(
              `${key}: GET reads ${sum} (version ${obj.VersionId}), newest is ${newest.id} ${newest.md5}`,
            );
        } else {
          const res = await rawRequest(port, { method: 'GET', path: `/${BUCKET}/${key}` });
          const marker = res.headers['x-amz-delete-marker'] === 'true';
          if (res.status !== 404 || marker !== (newest !== undefined))
            wrong.push(
              `${key}: GET answers ${res.status}${marker ? ' (delete marker)' : ''}, newest is ${newest ? 'a delete marker' : 'nothing'}`,
            );
        }
        if (mayBeGone !== undefined && !gotIds.includes(mayBeGone)) m.deleted.add(mayBeGone);
        keys.set(key, { versions: next, deleted: m.deleted });
      }
      expect(wrong, when).toEqual([]);
    }

    for (let round = 0; round < ROUNDS; round++) {
      server = await startServer({ dataDir, workers: 2 });
      const s3 = s3Client(server, { maxAttempts: 1 });
      if (round === 0) {
        await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
        await s3.send(
          new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }),
        );
      } else await verify(server.port, s3, `after crash ${round}`);

      let stop = false;
      let killing = false;
      const failures: string[] = [];
      const writer = async (w: number) => {
        const send = async <T>(what: string, m: Key, request: () => Promise<T>): Promise<T> => {
          try {
            return await request();
          } catch (e) {
            const cut = killing ? cutCode(e) : undefined;
            if (cut === undefined)
              failures.push(`writer ${w} ${what}: ${(e as Error).name}: ${(e as Error).message}`);
            // Refused: the request never reached the server, so it changed nothing.
            if (cut === 'ECONNREFUSED') delete m.inflight;
            throw new Cut();
          }
        };
        for (let i = 0; !stop; i++) {
          const j = i * 7 + w + round;
          const kind = KINDS[j % KINDS.length]!;
          const key = name(w, (i + w) % KEYS_PER_WRITER);
          const m = keys.get(key)!;
          if (kind === 'put-small' || kind === 'put-blob') {
            const body = randomBytes(kind === 'put-small' ? 1000 + i : 300 * 1024 + i);
            m.inflight = { kind: 'put', md5: md5(body) };
            const r = await send(`${kind} ${key}`, m, () =>
              s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body })),
            );
            if (r.ETag !== `"${md5(body)}"` || !r.VersionId || r.VersionId === 'null')
              failures.push(`writer ${w} ${kind} ${key}: ETag ${r.ETag}, VersionId ${r.VersionId}`);
            m.versions.unshift({ id: r.VersionId!, marker: false, md5: md5(body) });
          } else if (kind === 'delete-marker') {
            m.inflight = { kind: 'marker' };
            const r = await send(`${kind} ${key}`, m, () =>
              s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key })),
            );
            if (r.DeleteMarker !== true || !r.VersionId)
              failures.push(
                `writer ${w} ${kind} ${key}: DeleteMarker ${r.DeleteMarker}, VersionId ${r.VersionId}`,
              );
            m.versions.unshift({ id: r.VersionId!, marker: true });
          } else {
            // One of the key's versions, older ones first (so that keys keep a few versions).
            if (m.versions.length === 0) continue;
            const v = m.versions[m.versions.length - 1 - (i % Math.min(3, m.versions.length))]!;
            m.inflight = { kind: 'delete-version', id: v.id };
            const r = await send(`${kind} ${key} ${v.id}`, m, () =>
              s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key, VersionId: v.id })),
            );
            if (r.VersionId !== v.id || (r.DeleteMarker === true) !== v.marker)
              failures.push(
                `writer ${w} ${kind} ${key}: VersionId ${r.VersionId}, DeleteMarker ${r.DeleteMarker}`,
              );
            m.versions.splice(m.versions.indexOf(v), 1);
            m.deleted.add(v.id);
          }
          delete m.inflight;
          acked.set(kind, acked.get(kind)! + 1);
        }
      };
      const writers = Array.from({ length: WRITERS }, (_, w) =>
        writer(w).catch((e: unknown) => {
          if (!(e instanceof Cut)) failures.push(`writer ${w}: ${String(e)}`);
        }),
      );
      await new Promise((r) => setTimeout(r, 700 + Math.random() * 1000));
      killing = true;
      await server.kill9();
      stop = true;
      await Promise.all(writers);
      s3.destroy();
      expect(failures, `round ${round}`).toEqual([]);
    }

    server = await startServer({ dataDir, workers: 2 });
    const s3 = s3Client(server);
    await verify(server.port, s3, 'after the last crash');
    for (const kind of KINDS) expect(acked.get(kind), kind).toBeGreaterThan(0);
    const tmp = join(dataDir, '.tessera', 'tmp');
    if (existsSync(tmp)) expect(readdirSync(tmp)).toEqual([]);
    s3.destroy();
  }, 90_000);
});
