import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawResponse, rawRequest } from './helpers/raw.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * A model of S3 versioning as AWS documents it (userguide/Versioning.html, "Working with objects
 * in a versioning-enabled / -suspended bucket", "Deleting object versions"), checked over HTTP
 * against the server process: random sequences of PUT, DELETE, DELETE ?versionId= (of a random
 * existing version), suspend and enable, on a bucket versioned from the start and on one that
 * holds unversioned objects first; after each sequence every page of ListObjectVersions (a random
 * small max-keys) must list exactly what the model holds, and GET of each key and of each
 * version by id must agree.
 *
 * The rules modelled:
 * - never configured: a PUT replaces the key's only version, 'null'; a DELETE removes it;
 * - Enabled: a PUT adds a version with a fresh id; a DELETE adds a delete marker with a fresh id
 *   (also when the key has no version, or its current version is already a marker);
 * - Suspended: a PUT / DELETE removes the key's 'null' version or marker, wherever it is in the
 *   stack, and puts a new 'null' version / delete marker on top;
 * - DELETE ?versionId=: removes that version or marker for good; the next newest becomes current;
 * - ListObjectVersions: keys ascending (UTF-8 bytes), each key's versions newest first, IsLatest
 *   on the first; max-keys counts versions and delete markers alike.
 */

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ workers: 2 });
});
afterAll(async () => {
  await server?.stop();
});

const KEYS = ['a', 'a/b', 'b', 'ä', 'ab'];
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

interface ModelVersion {
  id: string;
  marker: boolean;
  /** Unquoted MD5 of the body, for versions. */
  etag?: string;
}

type Status = 'Enabled' | 'Suspended' | undefined;

class Model {
  status: Status = undefined;
  /** Per key, newest first. */
  readonly keys = new Map<string, ModelVersion[]>();
  versionsOf(key: string): ModelVersion[] {
    let v = this.keys.get(key);
    if (!v) {
      v = [];
      this.keys.set(key, v);
    }
    return v;
  }
  /** Removes the 'null' version or marker of a key, if it has one. */
  dropNull(key: string): void {
    const v = this.versionsOf(key);
    const i = v.findIndex((x) => x.id === 'null');
    if (i >= 0) v.splice(i, 1);
  }
  /** Every row ListObjectVersions must answer, in order. */
  listing(): string[] {
    const keys = [...this.keys.keys()].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    const rows: string[] = [];
    for (const key of keys)
      for (const [i, v] of this.keys.get(key)!.entries())
        rows.push(row(v.marker ? 'DeleteMarker' : 'Version', key, v.id, i === 0, v.etag));
    return rows;
  }
}

const row = (kind: string, key: string, id: string, latest: boolean, etag?: string) =>
  `${kind} ${JSON.stringify(key)} ${id} ${latest ? 'latest' : 'older'}${etag ? ` ${etag}` : ''}`;

type Cmd =
  | { t: 'put'; key: number }
  | { t: 'del'; key: number }
  | { t: 'delv'; pick: number }
  | { t: 'suspend' }
  | { t: 'enable' };

const key = fc.nat({ max: KEYS.length - 1 });
const writes: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: key.map((k): Cmd => ({ t: 'put', key: k })) },
  { weight: 1, arbitrary: key.map((k): Cmd => ({ t: 'del', key: k })) },
);
const command: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: key.map((k): Cmd => ({ t: 'put', key: k })) },
  { weight: 2, arbitrary: key.map((k): Cmd => ({ t: 'del', key: k })) },
  { weight: 3, arbitrary: fc.nat().map((p): Cmd => ({ t: 'delv', pick: p })) },
  { weight: 1, arbitrary: fc.constant<Cmd>({ t: 'suspend' }) },
  { weight: 1, arbitrary: fc.constant<Cmd>({ t: 'enable' }) },
);

const header = (r: RawResponse, name: string) => {
  const v = r.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};
const path = (bucket: string, k: string) => `/${bucket}/${encodeURIComponent(k).replaceAll('%2F', '/')}`;

/** Sends one request; anything but the expected status is a failure with the request and answer. */
async function send(what: string, want: number, r: Parameters<typeof rawRequest>[1]): Promise<RawResponse> {
  const res = await rawRequest(server.port, r);
  if (res.status !== want)
    throw new Error(
      `${what}: ${r.method} ${r.path}${r.query ? `?${new URLSearchParams(r.query)}` : ''} → ${res.status} (want ${want})\n${res.body.slice(0, 500)}`,
    );
  return res;
}

let counter = 0;

/** Runs commands against the bucket and the model; checks each answer's version headers. */
async function apply(bucket: string, m: Model, cmds: Cmd[], log: string[]): Promise<void> {
  const used = new Set<string>();
  for (const v of m.keys.values()) for (const x of v) used.add(x.id);
  const fresh = (id: string | undefined, what: string) => {
    if (id === undefined || id === '' || id === 'null' || used.has(id))
      throw new Error(`${what}: x-amz-version-id ${String(id)} is not a fresh version id\n${log.join('\n')}`);
    used.add(id);
    return id;
  };
  for (const c of cmds) {
    if (c.t === 'put') {
      const k = KEYS[c.key]!;
      const text = `body ${++counter}`;
      const res = await send(`put ${k}`, 200, { method: 'PUT', path: path(bucket, k), body: text });
      const vid = header(res, 'x-amz-version-id');
      log.push(`PUT ${k} (${m.status ?? 'never configured'}) → x-amz-version-id ${String(vid)}`);
      if (m.status === 'Enabled')
        m.versionsOf(k).unshift({ id: fresh(vid, `PUT ${k}`), marker: false, etag: md5(text) });
      else {
        if (m.status === undefined && vid !== undefined)
          throw new Error(`PUT ${k} in a never-configured bucket answered x-amz-version-id ${vid}`);
        // AWS's PutObject sample for a versioning-suspended bucket has no x-amz-version-id.
        if (m.status === 'Suspended' && vid !== undefined)
          throw new Error(`PUT ${k} in a Suspended bucket answered x-amz-version-id ${vid}`);
        m.dropNull(k);
        m.versionsOf(k).unshift({ id: 'null', marker: false, etag: md5(text) });
      }
    } else if (c.t === 'del') {
      const k = KEYS[c.key]!;
      const res = await send(`delete ${k}`, 204, { method: 'DELETE', path: path(bucket, k) });
      const vid = header(res, 'x-amz-version-id');
      const dm = header(res, 'x-amz-delete-marker');
      log.push(
        `DELETE ${k} (${m.status ?? 'never configured'}) → version ${String(vid)}, delete-marker ${String(dm)}`,
      );
      if (m.status === undefined) {
        if (dm === 'true') throw new Error(`DELETE ${k} in a never-configured bucket wrote a delete marker`);
        m.dropNull(k);
      } else {
        if (dm !== 'true')
          throw new Error(`DELETE ${k} (${m.status}) answered x-amz-delete-marker ${String(dm)}`);
        if (m.status === 'Enabled') m.versionsOf(k).unshift({ id: fresh(vid, `DELETE ${k}`), marker: true });
        else {
          if (vid !== 'null')
            throw new Error(`DELETE ${k} (Suspended) answered x-amz-version-id ${String(vid)}`);
          m.dropNull(k);
          m.versionsOf(k).unshift({ id: 'null', marker: true });
        }
      }
    } else if (c.t === 'delv') {
      const all = [...m.keys].flatMap(([k, vs]) => vs.map((v) => ({ k, v })));
      if (all.length === 0) continue;
      const { k, v } = all[c.pick % all.length]!;
      const res = await send(`delete ${k}?versionId=${v.id}`, 204, {
        method: 'DELETE',
        path: path(bucket, k),
        query: { versionId: v.id },
      });
      const vid = header(res, 'x-amz-version-id');
      const dm = header(res, 'x-amz-delete-marker');
      log.push(
        `DELETE ${k}?versionId=${v.id} (${v.marker ? 'marker' : 'version'}) → version ${String(vid)}, delete-marker ${String(dm)}`,
      );
      if (vid !== v.id)
        throw new Error(`DELETE ${k}?versionId=${v.id} answered x-amz-version-id ${String(vid)}`);
      if ((dm === 'true') !== v.marker)
        throw new Error(
          `DELETE ${k}?versionId=${v.id} of a ${v.marker ? 'marker' : 'version'} answered x-amz-delete-marker ${String(dm)}`,
        );
      const vs = m.versionsOf(k);
      vs.splice(vs.indexOf(v), 1);
    } else {
      const status = c.t === 'enable' ? 'Enabled' : 'Suspended';
      if (status === 'Suspended' && m.status === undefined) continue; // only suspend what was enabled
      await send(`versioning ${status}`, 200, {
        method: 'PUT',
        path: `/${bucket}`,
        query: { versioning: '' },
        body: `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>${status}</Status></VersioningConfiguration>`,
      });
      log.push(`versioning ${status}`);
      m.status = status;
    }
  }
}

const xmlText = (s: string) =>
  s
    .replaceAll('&quot;', '"')
    .replaceAll('&#34;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

/** Every page of ListObjectVersions at `maxKeys`, as rows; checks each page's paging fields. */
async function listAll(bucket: string, maxKeys: number): Promise<string[]> {
  const rows: string[] = [];
  const query: Record<string, string> = { versions: '', 'max-keys': String(maxKeys) };
  for (let page = 0; ; page++) {
    const res = await send('list-object-versions', 200, { method: 'GET', path: `/${bucket}`, query });
    const field = (xml: string, n: string) => {
      const v = new RegExp(`<${n}>([^<]*)</${n}>`).exec(xml)?.[1];
      return v === undefined ? undefined : xmlText(v);
    };
    const body = res.body;
    const entries = [...body.matchAll(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g)];
    for (const e of entries) {
      const x = e[2]!;
      const etag = e[1] === 'Version' ? field(x, 'ETag')!.replaceAll('"', '') : undefined;
      rows.push(row(e[1]!, field(x, 'Key')!, field(x, 'VersionId')!, field(x, 'IsLatest') === 'true', etag));
    }
    const truncated = field(body.replace(/<(Version|DeleteMarker)>[\s\S]*?<\/\1>/g, ''), 'IsTruncated');
    if (truncated !== 'true') {
      expect(truncated, body).toBe('false');
      break;
    }
    expect(entries.length, `a truncated page holds max-keys entries:\n${body}`).toBe(maxKeys);
    const top = body.replace(/<(Version|DeleteMarker)>[\s\S]*?<\/\1>/g, '');
    const nextKey = field(top, 'NextKeyMarker');
    const nextVersion = field(top, 'NextVersionIdMarker');
    expect(nextKey, body).toBeDefined();
    expect(nextVersion, body).toBeDefined();
    query['key-marker'] = nextKey!;
    query['version-id-marker'] = nextVersion!;
    if (page > 200) throw new Error('ListObjectVersions never ends');
  }
  return rows;
}

/** GET of every key agrees with its newest version: the bytes, a delete marker's 404, or none. */
async function checkReads(bucket: string, m: Model, log: string[]): Promise<void> {
  for (const k of KEYS) {
    const newest = m.keys.get(k)?.[0];
    const res = await rawRequest(server.port, { method: 'GET', path: path(bucket, k) });
    const dm = header(res, 'x-amz-delete-marker');
    const got = `${res.status}${dm === 'true' ? ' delete-marker' : ''}${res.status === 200 ? ` ${md5(res.body)}` : ''}`;
    const want = newest === undefined ? '404' : newest.marker ? '404 delete-marker' : `200 ${newest.etag}`;
    expect(got, `GET ${k}\n${log.join('\n')}`).toBe(want);
    if (newest && !newest.marker && m.status !== undefined)
      expect(header(res, 'x-amz-version-id'), `GET ${k}: x-amz-version-id`).toBe(newest.id);
    // Every version reads by id: an object its bytes, a delete marker 405 MethodNotAllowed.
    for (const v of m.keys.get(k) ?? []) {
      const byId = await rawRequest(server.port, {
        method: 'GET',
        path: path(bucket, k),
        query: { versionId: v.id },
      });
      const what = `GET ${k}?versionId=${v.id}\n${log.join('\n')}`;
      expect(header(byId, 'x-amz-version-id'), what).toBe(v.id);
      if (v.marker) {
        expect(byId.status, what).toBe(405);
        expect(header(byId, 'x-amz-delete-marker'), what).toBe('true');
      } else {
        expect(byId.status, what).toBe(200);
        expect(md5(byId.body), what).toBe(v.etag);
      }
    }
  }
}

let buckets = 0;
async function makeBucket(): Promise<string> {
  const name = `model-${++buckets}`;
  await send('create bucket', 200, { method: 'PUT', path: `/${name}` });
  return name;
}

describe('versioning against a model of AWS S3', () => {
  it('ListObjectVersions equals the model after random PUT / DELETE / DELETE ?versionId= / suspend / enable', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(writes, { maxLength: 6 }),
        fc.array(command, { minLength: 1, maxLength: 18 }),
        fc.integer({ min: 1, max: 5 }),
        async (pre, cmds, maxKeys) => {
          // Versioned from the start.
          const a = await makeBucket();
          const ma = new Model();
          const logA: string[] = [`bucket ${a}, versioned from the start, max-keys ${maxKeys}`];
          await apply(a, ma, [{ t: 'enable' }, ...pre, ...cmds], logA);
          expect(await listAll(a, maxKeys), logA.join('\n')).toEqual(ma.listing());
          await checkReads(a, ma, logA);
          // Unversioned objects first, then versioning enabled.
          const b = await makeBucket();
          const mb = new Model();
          const logB: string[] = [`bucket ${b}, unversioned then enabled, max-keys ${maxKeys}`];
          await apply(b, mb, pre, logB);
          expect(await listAll(b, maxKeys), logB.join('\n')).toEqual(mb.listing());
          await apply(b, mb, [{ t: 'enable' }, ...cmds], logB);
          expect(await listAll(b, maxKeys), logB.join('\n')).toEqual(mb.listing());
          await checkReads(b, mb, logB);
        },
      ),
      { numRuns: 30, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: false },
    );
  }, 150_000);
});
