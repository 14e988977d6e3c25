/**
 * Versioning benchmark: what keeping versions costs the requests that read them, each measured
 * in the same run against the same request on unversioned data, on one Tessera server (one
 * worker, pinned like the server benchmarks; bench/server/*).
 *
 *   npm run build && node dist/bench/run.js versioning           # 10,000 keys × 10 versions
 *   node dist/bench/run.js --quick versioning                    # seconds: proves it works
 *
 * Fixture, written straight into the metadata store before the server starts (see seed()):
 * bucket bench-versions (versioning Enabled) holds 10,000 keys × 10 versions = 100,000 versions;
 * bench-objects (never versioned) 100,000 keys; bench-hot (Enabled) one 1 KiB key with 1,000
 * versions; bench-plain (never versioned) the same 1 KiB key once.
 *
 * Pairs (versioned ÷ unversioned), each a wrk load run of pre-signed requests (as the server
 * benchmarks: 3 rounds of 4 s, best round, the two sides alternating who goes first):
 * - a ListObjectVersions page of 1,000 versions (100 keys × 10) at a random key-marker, against a
 *   ListObjectsV2 page of 1,000 objects at a random start-after;
 * - a ListObjectsV2 page of 1,000 keys in the versioned bucket (each key with 10 versions behind
 *   it) against the same page in the unversioned bucket;
 * - GET (presigned) of the latest version of the key with 1,000 versions against GET of the
 *   unversioned key; and GET ?versionId= of its oldest version (header-signed) against a
 *   header-signed GET of the unversioned key;
 * and, outside wrk, a full walk of all 100,000 versions (ListObjectVersions following
 * NextKeyMarker / NextVersionIdMarker) against a full ListObjectsV2 walk of the 100,000 objects,
 * one request at a time.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ObjectRecord,
  type ObjectWrite,
  SqliteMetadataStore,
  storagePaths,
} from '../src/storage/index.js';
import type { Case, Scale } from './server/cases.js';
import { closeClients, sendOk } from './server/client.js';
import { cpuPlan, fixtureBytes, KiB, REGION } from './server/common.js';
import { loadTool } from './server/load.js';
import { type Ctx, measure, type Prepared, prepare, toRow, waitForQuiet } from './server/measure.js';
import { type ServerProcess, startTessera } from './server/procs.js';
import { fmtCpu, type Row } from './server/row.js';
import { presign, signMany, signRequest } from './server/signing.js';

export const VERSIONED = 'bench-versions';
export const UNVERSIONED = 'bench-objects';
export const HOT = 'bench-hot';
export const PLAIN = 'bench-plain';
export const GET_KEY = 'obj-1k';
/** Keys per ListObjectVersions page of 1,000 versions. */
const PAGE = 1000;

export interface VersioningScale extends Scale {
  keys: number;
  versionsPerKey: number;
  hotVersions: number;
  /** Full walks per side and round. */
  walks: number;
}

export function versioningScale(quick: boolean, rounds?: number): VersioningScale {
  const base: Scale = quick
    ? {
        quick,
        rounds: 1,
        seconds: 1,
        warmSeconds: 0,
        signed: 300,
        large: 0,
        folders: 0,
        keysPerFolder: 0,
        largePuts: 0,
      }
    : {
        quick,
        rounds: 3,
        seconds: 4,
        warmSeconds: 1,
        signed: 30_000,
        large: 0,
        folders: 0,
        keysPerFolder: 0,
        largePuts: 0,
      };
  return {
    ...base,
    ...(rounds ? { rounds } : {}),
    keys: quick ? 300 : 10_000,
    versionsPerKey: 10,
    hotVersions: quick ? 100 : 1000,
    walks: quick ? 1 : 2,
  };
}

const keyName = (i: number) => `key${String(i).padStart(6, '0')}`;
const nonce = (i: number) => ({ 'x-bench-nonce': String(i) });
/** Deterministic "random" positions, the same for both sides of a pair. */
const spread = (i: number, n: number) => (i * 7919 + 13) % n;

export interface Pair {
  id: string;
  title: string;
  versioned: Case;
  unversioned: Case;
}

function rate(id: string, title: string, build: Case['build'], reads?: Case['reads']): Case {
  return {
    id,
    group: 'versioning',
    title,
    kind: 'rate',
    connections: 32,
    build,
    ...(reads ? { reads } : {}),
  };
}

export function pairs(v: VersioningScale, oldestVersion: () => string): Pair[] {
  const total = v.keys * v.versionsPerKey;
  const keysPerPage = PAGE / v.versionsPerKey;
  return [
    {
      id: 'versions-page',
      title: `ListObjectVersions page of ${PAGE.toLocaleString('en-US')} versions (of ${total.toLocaleString('en-US')}) vs ListObjectsV2 page of ${PAGE.toLocaleString('en-US')} objects (of ${total.toLocaleString('en-US')})`,
      versioned: rate(
        'versions-page',
        'ListObjectVersions, 1,000 versions at a random key-marker',
        (port, s) =>
          signMany(s.signed, (i) =>
            signRequest(port, 'GET', `/${VERSIONED}`, {
              query: { versions: '', 'key-marker': keyName(spread(i, v.keys - keysPerPage)) },
              headers: nonce(i),
            }),
          ),
      ),
      unversioned: rate('objects-page', 'ListObjectsV2, 1,000 objects at a random start-after', (port, s) =>
        signMany(s.signed, (i) =>
          signRequest(port, 'GET', `/${UNVERSIONED}`, {
            query: { 'list-type': '2', 'start-after': keyName(spread(i, total - PAGE)) },
            headers: nonce(i),
          }),
        ),
      ),
    },
    {
      id: 'current-page',
      title: `ListObjectsV2 page of ${PAGE.toLocaleString('en-US')} keys with ${v.versionsPerKey} versions each vs of ${PAGE.toLocaleString('en-US')} unversioned keys`,
      versioned: rate('current-page-versioned', 'ListObjectsV2 in the versioned bucket', (port, s) =>
        signMany(s.signed, (i) =>
          signRequest(port, 'GET', `/${VERSIONED}`, {
            query: { 'list-type': '2', 'start-after': keyName(spread(i, Math.max(1, v.keys - PAGE))) },
            headers: nonce(i),
          }),
        ),
      ),
      unversioned: rate('current-page-unversioned', 'ListObjectsV2 in the unversioned bucket', (port, s) =>
        signMany(s.signed, (i) =>
          signRequest(port, 'GET', `/${UNVERSIONED}`, {
            query: { 'list-type': '2', 'start-after': keyName(spread(i, total - PAGE)) },
            headers: nonce(i),
          }),
        ),
      ),
    },
    {
      id: 'get-latest',
      title: `1 KiB GET (presigned) of the latest of ${v.hotVersions.toLocaleString('en-US')} versions vs of an unversioned key`,
      versioned: rate(
        'get-latest-versioned',
        'GET latest version',
        async (port) => [await presign(port, 'GET', `/${HOT}/${GET_KEY}`)],
        { key: GET_KEY, size: KiB },
      ),
      unversioned: rate(
        'get-latest-unversioned',
        'GET unversioned key',
        async (port) => [await presign(port, 'GET', `/${PLAIN}/${GET_KEY}`)],
        { key: GET_KEY, size: KiB },
      ),
    },
    {
      id: 'get-version',
      title: `1 KiB GET ?versionId= of the oldest of ${v.hotVersions.toLocaleString('en-US')} versions vs GET of an unversioned key (header-signed)`,
      versioned: rate(
        'get-version-versioned',
        'GET ?versionId= (oldest)',
        (port, s) =>
          signMany(s.signed, (i) =>
            signRequest(port, 'GET', `/${HOT}/${GET_KEY}`, {
              query: { versionId: oldestVersion() },
              headers: nonce(i),
            }),
          ),
        { key: GET_KEY, size: KiB },
      ),
      unversioned: rate(
        'get-version-unversioned',
        'GET unversioned key',
        (port, s) =>
          signMany(s.signed, (i) => signRequest(port, 'GET', `/${PLAIN}/${GET_KEY}`, { headers: nonce(i) })),
        { key: GET_KEY, size: KiB },
      ),
    },
  ];
}

/**
 * The metadata store with its connection's durability turned off and a way to batch writes into
 * one transaction: seeding 200,000 objects through the S3 API (each commit fsynced) takes minutes
 * on a shared machine, through the store's own write methods in one transaction a few seconds.
 * The rows are the ones the server writes (the same store code assigns the version ids); only the
 * per-commit fsync is skipped, and the server opens the file afterwards with synchronous=FULL.
 */
class SeedingStore extends SqliteMetadataStore {
  constructor(file: string) {
    super(file);
    this.db.pragma('synchronous = OFF');
  }
  /** Runs `fn` in one transaction (the store's own write transactions nest as savepoints). */
  batch(fn: () => void): void {
    this.db.transaction(fn)();
  }
}

/**
 * Writes the fixture straight into the data directory's metadata store, before the server starts
 * (as bench/iam-startup.ts seeds the IAM tables); returns the oldest version id of the hot key.
 */
async function seed(dataDir: string, v: VersioningScale, log: (l: string) => void): Promise<string> {
  const paths = storagePaths(dataDir);
  mkdirSync(paths.root, { recursive: true });
  const store = new SeedingStore(paths.database);
  const t0 = performance.now();
  try {
    const now = Date.now();
    for (const name of [VERSIONED, UNVERSIONED, HOT, PLAIN])
      await store.createBucket({ name, account: '', region: REGION, createdAt: now });
    for (const name of [VERSIONED, HOT]) await store.setBucketVersioning(name, 'Enabled');
    const record = (bucket: string, key: string, bytes: Buffer): ObjectRecord => ({
      bucket,
      key,
      size: bytes.length,
      etag: createHash('md5').update(bytes).digest('hex'),
      lastModified: Date.now(),
      contentType: 'binary/octet-stream',
      headers: {},
      userMetadata: {},
      tags: [],
      data: { kind: 'inline', bytes },
    });
    const pending: Promise<unknown>[] = [];
    const put = (bucket: string, key: string, bytes: Buffer) => {
      const p = store.putObjectVersioned(record(bucket, key, bytes));
      pending.push(p);
      return p;
    };
    const small = fixtureBytes(64, 4);
    const total = v.keys * v.versionsPerKey;
    log(`seed: ${v.keys.toLocaleString('en-US')} keys × ${v.versionsPerKey} versions in ${VERSIONED}`);
    // Version n of every key before version n + 1 of any, as writers spread over keys would.
    for (let from = 0; from < total; from += 10_000)
      store.batch(() => {
        for (let i = from; i < Math.min(total, from + 10_000); i++)
          void put(VERSIONED, keyName(i % v.keys), small);
      });
    log(`seed: ${total.toLocaleString('en-US')} keys in ${UNVERSIONED}`);
    for (let from = 0; from < total; from += 10_000)
      store.batch(() => {
        for (let i = from; i < Math.min(total, from + 10_000); i++) void put(UNVERSIONED, keyName(i), small);
      });
    log(`seed: ${v.hotVersions.toLocaleString('en-US')} versions of ${HOT}/${GET_KEY}`);
    const body = fixtureBytes(KiB);
    let first: Promise<ObjectWrite> | undefined;
    store.batch(() => {
      for (let i = 0; i < v.hotVersions; i++) {
        const p = put(HOT, GET_KEY, body) as Promise<ObjectWrite>;
        first ??= p;
      }
      void put(PLAIN, GET_KEY, body);
    });
    await Promise.all(pending);
    const oldest = (await first!).versionId;
    if (oldest === 'null') throw new Error(`a write in a versioning-enabled bucket got version id ${oldest}`);
    log(`seed: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return oldest;
  } finally {
    await store.close();
  }
}

/** Checks through the S3 API that the server sees the seeded fixture as S3 answers it. */
async function checkFixture(port: number, v: VersioningScale, oldest: string): Promise<void> {
  const versioning = await sendOk(
    port,
    await signRequest(port, 'GET', `/${VERSIONED}`, { query: { versioning: '' } }),
  );
  if (!versioning.body.toString().includes('<Status>Enabled</Status>'))
    throw new Error(`${VERSIONED}: GetBucketVersioning ${versioning.body.toString()}`);
  const page = await sendOk(
    port,
    await signRequest(port, 'GET', `/${VERSIONED}`, { query: { versions: '', prefix: keyName(0) } }),
  );
  const n = (page.body.toString().match(/<Version>/g) ?? []).length;
  if (n !== v.versionsPerKey)
    throw new Error(`${VERSIONED}/${keyName(0)}: ${n} versions listed, want ${v.versionsPerKey}`);
  const got = await sendOk(
    port,
    await signRequest(port, 'GET', `/${HOT}/${GET_KEY}`, { query: { versionId: oldest } }),
  );
  if (got.headers['x-amz-version-id'] !== oldest || !got.body.equals(fixtureBytes(KiB)))
    throw new Error(`${HOT}/${GET_KEY}?versionId=${oldest}: ${got.headers['x-amz-version-id']}`);
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const unxml = (s: string) =>
  s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');

/** One full listing, a page at a time; returns the entries seen and the pages. */
async function walk(port: number, versions: boolean): Promise<{ entries: number; pages: number }> {
  let entries = 0;
  let pages = 0;
  const query: Record<string, string> = versions ? { versions: '' } : { 'list-type': '2' };
  for (;;) {
    const a = await sendOk(
      port,
      await signRequest(port, 'GET', `/${versions ? VERSIONED : UNVERSIONED}`, { query }),
    );
    const xml = a.body.toString();
    pages++;
    entries += (xml.match(versions ? /<Version>/g : /<Contents>/g) ?? []).length;
    if (tag(xml, 'IsTruncated') !== 'true') return { entries, pages };
    if (versions) {
      query['key-marker'] = unxml(tag(xml, 'NextKeyMarker')!);
      query['version-id-marker'] = unxml(tag(xml, 'NextVersionIdMarker')!);
    } else query['continuation-token'] = unxml(tag(xml, 'NextContinuationToken')!);
  }
}

export interface WalkRow {
  versions: boolean;
  entries: number;
  pages: number;
  /** Best walk, ms. */
  ms: number;
  all: number[];
  /** Server CPU of the best walk, ms. */
  cpuMs: number;
}

async function measureWalks(
  server: ServerProcess,
  v: VersioningScale,
  log: (l: string) => void,
): Promise<[WalkRow, WalkRow]> {
  const rows: [WalkRow, WalkRow] = [
    { versions: true, entries: 0, pages: 0, ms: Infinity, all: [], cpuMs: 0 },
    { versions: false, entries: 0, pages: 0, ms: Infinity, all: [], cpuMs: 0 },
  ];
  const want = v.keys * v.versionsPerKey;
  for (let round = 0; round < v.rounds * v.walks; round++) {
    for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
      if (!v.quick) await waitForQuiet(30_000, log);
      const r = rows[side]!;
      const cpu0 = server.cpu();
      const t0 = performance.now();
      const got = await walk(server.port, r.versions);
      const ms = performance.now() - t0;
      const cpuMs = (server.cpu() - cpu0) * 1000;
      if (got.entries !== want)
        throw new Error(
          `walk of ${r.versions ? 'versions' : 'objects'}: ${got.entries} entries, want ${want}`,
        );
      r.entries = got.entries;
      r.pages = got.pages;
      r.all.push(ms);
      if (ms < r.ms) {
        r.ms = ms;
        r.cpuMs = cpuMs;
      }
    }
  }
  return rows;
}

export interface VersioningResult {
  scale: VersioningScale;
  rows: { pair: Pair; versioned: Row; unversioned: Row }[];
  walks: [WalkRow, WalkRow];
  tool: string;
  pinned: string;
}

const fmtRate = (r: Row) => `${Math.round(r.value).toLocaleString('en-US')} ${r.unit}`;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** The result as Markdown tables (the format of docs/benchmarks.md). */
export function versioningTables(r: VersioningResult): string {
  const lines = [
    '| benchmark | versioned | unversioned | versioned ÷ unversioned | CPU per request (versioned / unversioned) | CPU per request versioned ÷ unversioned | p50 / p99 ms (versioned) | p50 / p99 ms (unversioned) | rounds (versioned; unversioned) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { pair, versioned: a, unversioned: b } of r.rows) {
    lines.push(
      `| ${pair.title} (\`${pair.id}\`) | ${fmtRate(a)} | ${fmtRate(b)} | ${(a.value / b.value).toFixed(2)}× | ${fmtCpu(a.cpuPerRequestMs)} / ${fmtCpu(b.cpuPerRequestMs)} | ${(a.cpuPerRequestMs / b.cpuPerRequestMs).toFixed(2)}× | ${ms(a.p50Ms)} / ${ms(a.p99Ms)} | ${ms(b.p50Ms)} / ${ms(b.p99Ms)} | ${a.roundValues.map((x) => Math.round(x)).join(', ')}; ${b.roundValues.map((x) => Math.round(x)).join(', ')} |`,
    );
  }
  const [wv, wo] = r.walks;
  const per = (w: WalkRow) => `${Math.round((w.entries / w.ms) * 1000).toLocaleString('en-US')} entries/s`;
  const walks = [
    '| full walk, one request at a time | entries | pages | best walk | throughput | server CPU per page | all walks (ms) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...[wv, wo].map(
      (w) =>
        `| ${w.versions ? 'ListObjectVersions (NextKeyMarker / NextVersionIdMarker)' : 'ListObjectsV2 (continuation token)'} | ${w.entries.toLocaleString('en-US')} | ${w.pages} | ${ms(w.ms)} ms | ${per(w)} | ${fmtCpu(w.cpuMs / w.pages)} | ${w.all.map((x) => x.toFixed(0)).join(', ')} |`,
    ),
    '',
    `Full walk, versioned ÷ unversioned: ${(wo.ms / wv.ms).toFixed(2)}× the throughput, ${(wv.cpuMs / wo.cpuMs).toFixed(2)}× the server CPU.`,
  ];
  return [...lines, '', ...walks].join('\n');
}

function pinSelf(cpuList: string | undefined): void {
  if (cpuList) spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(process.pid)], { stdio: 'ignore' });
}

export async function runVersioningBench(o: {
  quick: boolean;
  rounds?: number;
  keep?: boolean;
  log: (line: string) => void;
}): Promise<VersioningResult> {
  const v = versioningScale(o.quick, o.rounds);
  const plan = cpuPlan();
  const tool = loadTool();
  const pinned = plan.server
    ? `server on CPU ${plan.server}, load generator on CPU ${plan.client}`
    : 'no pinning (one CPU)';
  o.log(`load generator: ${tool === 'wrk' ? 'wrk' : 'built-in Node client'}; ${pinned}`);
  pinSelf(plan.client);
  const workDir = mkdtempSync(join(tmpdir(), 'tessera-bench-versioning-'));
  mkdirSync(join(workDir, 'data'));
  let server: ServerProcess | undefined;
  const onSignal = () => {
    void (server?.stop() ?? Promise.resolve()).finally(() => {
      rmSync(workDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const oldest = await seed(join(workDir, 'data'), v, o.log);
    server = await startTessera(join(workDir, 'data'), plan.server);
    await checkFixture(server.port, v, oldest);
    const ctx: Ctx = { s: v, workDir, clientCpus: plan.client };
    const rows: VersioningResult['rows'] = [];
    for (const pair of pairs(v, () => oldest)) {
      o.log(`${pair.id}: ${pair.title}`);
      const prepared: [Prepared, Prepared] = [
        await prepare(pair.versioned, server, 'tessera', ctx),
        await prepare(pair.unversioned, server, 'tessera', ctx),
      ];
      const cases = [pair.versioned, pair.unversioned] as const;
      for (let round = 0; round < v.rounds; round++) {
        for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
          if (!v.quick) await waitForQuiet(30_000, o.log);
          prepared[side]!.samples.push(await measure(cases[side]!, prepared[side]!, ctx));
        }
      }
      const a = toRow(pair.versioned, prepared[0]);
      const b = toRow(pair.unversioned, prepared[1]);
      for (const [name, r] of [
        ['versioned', a],
        ['unversioned', b],
      ] as const)
        o.log(
          `  ${name.padEnd(11)} ${fmtRate(r).padStart(13)}  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  cpu/req ${fmtCpu(r.cpuPerRequestMs)}  server ${r.serverCpuPct.toFixed(0)}%${r.errors ? `  ERRORS ${r.errors}` : ''}`,
        );
      o.log(`  versioned ÷ unversioned: ${(a.value / b.value).toFixed(2)}×`);
      rows.push({ pair, versioned: a, unversioned: b });
    }
    o.log(`walk: every ${v.keys * v.versionsPerKey} versions vs objects, one page at a time`);
    const walks = await measureWalks(server, v, o.log);
    for (const w of walks)
      o.log(
        `  ${w.versions ? 'versions' : 'objects '} ${w.pages} pages, best ${w.ms.toFixed(0)} ms (${w.all.map((x) => x.toFixed(0)).join(', ')})`,
      );
    return {
      scale: v,
      rows,
      walks,
      tool: tool === 'wrk' ? 'wrk 4.1 (Debian)' : 'built-in Node client',
      pinned,
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    closeClients();
    await server?.stop();
    if (!o.keep) rmSync(workDir, { recursive: true, force: true });
    else o.log(`kept ${workDir}`);
  }
}
