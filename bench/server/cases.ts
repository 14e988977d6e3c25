import { BUCKET, fixtureBytes, KEYS, KiB, LIST_BUCKET, PUT_BUCKET } from './common.js';
import type { Target } from './row.js';
import { type PreparedRequest, presign, signMany, signRequest } from './signing.js';

/** Sizes and counts of one run; --quick shrinks them so the harness runs in seconds. */
export interface Scale {
  quick: boolean;
  /**
   * Rounds per case: each round measures every server once, in turn, and the best round of each
   * server is reported (other load on the machine can only slow a round down).
   */
  rounds: number;
  /** Seconds of each measured load run, and of the warm-up before the first round (0: none). */
  seconds: number;
  warmSeconds: number;
  /** Distinct header signatures pre-signed per case and server. */
  signed: number;
  /** Bytes of the large object (256 MiB; less with --quick). */
  large: number;
  /** Listing fixture: folders × keys per folder (100 × 100). */
  folders: number;
  keysPerFolder: number;
  /** Large PUTs per round. */
  largePuts: number;
}

export function scale(quick: boolean): Scale {
  return quick
    ? {
        quick,
        rounds: 1,
        seconds: 1,
        warmSeconds: 0,
        signed: 500,
        large: 16 * 1024 * 1024,
        folders: 10,
        keysPerFolder: 100,
        largePuts: 2,
      }
    : {
        quick,
        rounds: 3,
        seconds: 4,
        warmSeconds: 1,
        signed: 30_000,
        large: 256 * 1024 * 1024,
        folders: 100,
        keysPerFolder: 100,
        largePuts: 2,
      };
}

export type Kind = 'rate' | 'put-large' | 'get-large';

/** One benchmark: the same requests (signed for each server's port) sent to every server. */
export interface Case {
  /** Unique id, e.g. get-1k-presigned. */
  id: string;
  /** Selection name on the command line, e.g. get-1k (selects every case of the group). */
  group: string;
  title: string;
  kind: Kind;
  connections: number;
  /** The requests to replay against a server on `port` (for put-large: the one PUT to repeat). */
  build: (port: number, s: Scale) => Promise<PreparedRequest[]>;
  /** The object the case reads, to check that every server answers with the same bytes. */
  reads?: { key: string; size: number };
  /** A GET of a file nginx can serve from disk: nginx is measured too (when installed). */
  file?: boolean;
  /** Only these servers (default: the references, Tessera and the baseline). */
  targets?: Target[];
  /**
   * The servers run on every core for this case (the client stays where it is): the 256 MiB PUT
   * hashes on worker threads, which one pinned core cannot help.
   */
  unpinned?: boolean;
}

const path = (key: string) => `/${BUCKET}/${key}`;
const nonce = (i: number) => ({ 'x-bench-nonce': String(i) });
export const PUT_1K_BODY = fixtureBytes(KiB, 2);
export const folderName = (i: number) => `dir${String(i).padStart(2, '0')}/`;

function getCases(group: string, key: string, size: number, label: string, connections: number): Case[] {
  const file = size > KiB;
  return [
    {
      id: `${group}-presigned`,
      group,
      title: `${label} GET, presigned URL`,
      kind: 'rate',
      connections,
      build: async (port) => [await presign(port, 'GET', path(key))],
      reads: { key, size },
      file,
    },
    {
      id: `${group}-signed`,
      group,
      title: `${label} GET, header-signed (fresh signature each)`,
      kind: 'rate',
      connections,
      build: (port, s) =>
        signMany(s.signed, (i) => signRequest(port, 'GET', path(key), { headers: nonce(i) })),
      reads: { key, size },
      file,
    },
  ];
}

export const CASES: Case[] = [
  ...getCases('get-1k', KEYS.small, KiB, '1 KiB', 32),
  {
    id: 'get-1k-workers',
    group: 'workers',
    title: '1 KiB GET, presigned URL, TESSERA_WORKERS=2 against 1',
    kind: 'rate',
    connections: 32,
    build: async (port) => [await presign(port, 'GET', path(KEYS.small))],
    reads: { key: KEYS.small, size: KiB },
    targets: ['tessera', 'tessera2'],
  },
  ...getCases('get-1m', KEYS.medium, 1024 * KiB, '1 MiB', 16),
  {
    id: 'put-1k',
    group: 'put-1k',
    title: '1 KiB PUT, header-signed, SHA-256 payload, distinct keys',
    kind: 'rate',
    connections: 32,
    build: (port, s) =>
      signMany(s.signed, (i) =>
        signRequest(port, 'PUT', `/${PUT_BUCKET}/put-1k/${String(i).padStart(6, '0')}`, {
          body: PUT_1K_BODY,
        }),
      ),
  },
  {
    id: 'head',
    group: 'head',
    title: 'HEAD 1 KiB object, header-signed (fresh signature each)',
    kind: 'rate',
    connections: 32,
    build: (port, s) =>
      signMany(s.signed, (i) => signRequest(port, 'HEAD', path(KEYS.small), { headers: nonce(i) })),
  },
  {
    id: 'list-rollup',
    group: 'list',
    title: "ListObjectsV2 delimiter '/' at the root (roll-up of all keys)",
    kind: 'rate',
    connections: 32,
    build: (port, s) =>
      signMany(s.signed, (i) =>
        signRequest(port, 'GET', `/${LIST_BUCKET}`, {
          query: { 'list-type': '2', delimiter: '/' },
          headers: nonce(i),
        }),
      ),
  },
  {
    id: 'list-folder',
    group: 'list',
    title: 'ListObjectsV2 prefix dirNN/ (100 keys)',
    kind: 'rate',
    connections: 32,
    build: (port, s) =>
      signMany(s.signed, (i) =>
        signRequest(port, 'GET', `/${LIST_BUCKET}`, {
          query: { 'list-type': '2', prefix: folderName(i % s.folders) },
          headers: nonce(i),
        }),
      ),
  },
  {
    id: 'put-256m',
    group: 'put-256m',
    title: '256 MiB PUT, streaming-signed (64 KiB chunks)',
    kind: 'put-large',
    connections: 1,
    build: async () => [], // built by the suite: the body is large and depends on the scale
    unpinned: true,
  },
  {
    id: 'get-256m',
    group: 'get-256m',
    title: '256 MiB GET, presigned URL, one connection',
    kind: 'get-large',
    connections: 1,
    build: async (port) => [await presign(port, 'GET', path(KEYS.large))],
    file: true,
  },
];

/** The cases named on the command line (by group or id); all when none is named. */
export function selectCases(names: string[]): Case[] {
  if (names.length === 0) return CASES;
  return CASES.filter((c) => names.includes(c.group) || names.includes(c.id));
}

export const SERVER_BENCH_NAMES = [...new Set(CASES.flatMap((c) => [c.group, c.id]))];
