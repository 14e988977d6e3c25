/**
 * STS benchmark (issue 11): what issuing temporary credentials costs, and what using them costs
 * the request path, each against a baseline measured in the same run on the same server (one
 * worker, TESSERA_WORKERS=1, pinned like the server benchmarks; bench/server/*).
 *
 *   npm run build && node dist/bench/run.js sts          # 3 rounds of 4 s per case
 *   node dist/bench/run.js --quick sts                   # seconds: proves it works
 *   BENCH_STS_ONLY=assume-role node dist/bench/run.js --profile /tmp/prof sts   # some cases only
 *
 * 1. Issuance over HTTP: AssumeRole (MinIO-style: any RoleArn; without and with a session
 *    policy) signed by a user created through the IAM API, against GetCallerIdentity (the same
 *    authentication and Query API path, no issuance) and HEAD bucket (S3) signed by the same user;
 *    AssumeRoleWithWebIdentity with RS256 tokens signed here against a JWKS served here (the
 *    server's OpenID Connect provider, configured by environment as users configure it).
 *    Requests are pre-signed with the AWS SDK signer (SigV4 allows 15 min of clock skew and every
 *    case runs within a minute of its signing), each with a distinct signature (a distinct
 *    RoleSessionName, or a signed nonce header), and replayed by wrk (HEAD: the built-in
 *    generator) on the other core; the cases of a group rotate their order every round.
 * 2. Zero store writes: 10,000 AssumeRole calls (half with a session policy), with the data
 *    directory's files, the SQLite `PRAGMA data_version` seen by a connection of this process
 *    (it changes when any other connection commits) and the IAM change-feed sequence read before
 *    and after; then one CreateUser as a control, which must move them.
 * 3. In-process: sealSession and sessionOpener.open per second on one core, against HMAC-SHA256
 *    of a 40-byte string; and jose's RS256 verification of the web identity token.
 * 4. The request path: 1 KiB GET (header-signed, fresh signature each) with temporary
 *    credentials (GetSessionToken of the user), the user's long-term key and root, same load.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createHmac, generateKeyPairSync, randomBytes, sign as rsaSign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import Database from 'better-sqlite3';
import { compactVerify, importJWK, type JWK } from 'jose';
import type { SessionClaims } from '../src/iam/index.js';
import { storagePaths } from '../src/storage/index.js';
import { StsKeyring, sealSession, sessionOpener } from '../src/sts/index.js';
import { issueSession } from '../src/sts/issue.js';
import type { Case, Scale } from './server/cases.js';
import { closeClients, inParallel, send, sendOk } from './server/client.js';
import { cpuPlan, fixtureBytes, freePort, KiB, REGION, ROOT_PASSWORD, ROOT_USER } from './server/common.js';
import { loadTool } from './server/load.js';
import { type Ctx, measure, type Prepared, prepare, toRow, waitForQuiet } from './server/measure.js';
import { type ServerProcess, startTessera } from './server/procs.js';
import { summarizeProfiles } from './server/profile-summary.js';
import { fmtCpu, type Row } from './server/row.js';
import { NodeSha256, type PreparedRequest, queryString, signMany, signRequest } from './server/signing.js';

const BUCKET = 'bench';
const KEY = 'obj-1k';
const USER = 'bench-user';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/bench';
const CLIENT_ID = 'tessera-bench';
const SESSION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${BUCKET}/reports/*`] }],
});

export interface StsScale extends Scale {
  /** AssumeRole calls of the zero-write proof. */
  proofCalls: number;
  /** Distinct web identity tokens (RS256 signing is slow: they are cycled). */
  tokens: number;
  /** Milliseconds per in-process measurement (best of 3). */
  microMs: number;
}

export function stsScale(quick: boolean, rounds?: number): StsScale {
  const base: Scale = {
    quick,
    rounds: quick ? 1 : 3,
    seconds: quick ? 1 : 4,
    warmSeconds: quick ? 0 : 1,
    signed: quick ? 300 : 30_000,
    large: 0,
    folders: 0,
    keysPerFolder: 0,
    largePuts: 0,
  };
  return {
    ...base,
    ...(rounds ? { rounds } : {}),
    proofCalls: quick ? 500 : 10_000,
    tokens: quick ? 20 : 2000,
    microMs: quick ? 100 : 1000,
  };
}

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A header-signed request as `c` (service s3 or sts), with the session token when `c` has one. */
async function signAs(
  c: Creds,
  service: 's3' | 'sts',
  port: number,
  method: string,
  path: string,
  o: { body?: Buffer; headers?: Record<string, string> } = {},
): Promise<PreparedRequest> {
  const signer = new SignatureV4({
    service,
    region: REGION,
    credentials: c,
    sha256: NodeSha256,
    uriEscapePath: service === 'sts',
  });
  const body = o.body ?? Buffer.alloc(0);
  const headers: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    'x-amz-content-sha256': sha256(body),
    ...o.headers,
  };
  if (o.body) headers['content-length'] = String(body.length);
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path,
    query: {},
    headers,
  });
  const out: PreparedRequest = { method, path, headers: signed.headers as Record<string, string> };
  if (o.body) out.body = o.body;
  return out;
}

const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

/** An STS Query API call (POST /, form body), signed as `c`, or unsigned when `c` is undefined. */
function stsCall(
  port: number,
  c: Creds | undefined,
  params: Record<string, string>,
): Promise<PreparedRequest> {
  const body = Buffer.from(queryString({ Version: '2011-06-15', ...params }));
  if (c) return signAs(c, 'sts', port, 'POST', '/', { body, headers: { 'content-type': FORM } });
  return Promise.resolve({
    method: 'POST',
    path: '/',
    headers: { host: `127.0.0.1:${port}`, 'content-type': FORM, 'content-length': String(body.length) },
    body,
  });
}

const nonce = (i: number) => ({ 'x-bench-nonce': String(i) });

function rate(id: string, title: string, build: Case['build'], reads?: Case['reads']): Case {
  return { id, group: 'sts', title, kind: 'rate', connections: 32, build, ...(reads ? { reads } : {}) };
}

const assumeRoleParams = (i: number, policy: boolean): Record<string, string> => ({
  Action: 'AssumeRole',
  RoleArn: ROLE_ARN,
  RoleSessionName: `bench-${i}`,
  ...(policy ? { Policy: SESSION_POLICY } : {}),
});

/** A minimal OpenID Connect provider: the discovery document and the JWKS, and RS256 tokens. */
interface Idp {
  issuer: string;
  server: Server;
  tokens: string[];
  publicJwk: JWK;
}

async function startIdp(count: number): Promise<Idp> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk: JWK = {
    ...(publicKey.export({ format: 'jwk' }) as JWK),
    kid: 'bench-1',
    alg: 'RS256',
    use: 'sig',
  };
  const server = createServer((req, res) => {
    const json = (v: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(v));
    };
    if (req.url === '/.well-known/openid-configuration')
      json({ issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256'] });
    else if (req.url === '/jwks') json({ keys: [publicJwk] });
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const header = b64({ alg: 'RS256', typ: 'JWT', kid: 'bench-1' });
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const payload = b64({
      iss: issuer,
      aud: CLIENT_ID,
      sub: `bench-subject-${i}`,
      iat: now,
      exp: now + 3600,
      preferred_username: `bench-${i}`,
      policy: 'readonly',
    });
    const sig = rsaSign('sha256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
    tokens.push(`${header}.${payload}.${sig}`);
  }
  return { issuer, server, tokens, publicJwk };
}

/** What the data directory holds, and what SQLite says about commits (for the zero-write proof). */
interface Snapshot {
  files: Map<string, { size: number; mtimeMs: number }>;
  dataVersion: number;
  changeSeq: number;
  dbSize: number;
  walSize: number;
}

function listFiles(dir: string, root = dir, out = new Map<string, { size: number; mtimeMs: number }>()) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listFiles(p, root, out);
    else {
      const st = statSync(p);
      out.set(relative(root, p), { size: st.size, mtimeMs: st.mtimeMs });
    }
  }
  return out;
}

function snapshot(dataDir: string, db: Database.Database): Snapshot {
  const file = storagePaths(dataDir).database;
  const size = (p: string) => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  };
  const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'iam_changes'").get() as
    | { seq: number }
    | undefined;
  return {
    files: listFiles(dataDir),
    dataVersion: db.pragma('data_version', { simple: true }) as number,
    changeSeq: seq?.seq ?? 0,
    dbSize: size(file),
    walSize: size(`${file}-wal`),
  };
}

/** Files whose size or mtime differ (the -shm index is SQLite's shared memory, touched by reads). */
function changedFiles(a: Snapshot, b: Snapshot): string[] {
  const out: string[] = [];
  for (const [name, x] of b.files) {
    if (name.endsWith('-shm')) continue;
    const y = a.files.get(name);
    if (!y || y.size !== x.size || y.mtimeMs !== x.mtimeMs) out.push(name);
  }
  for (const name of a.files.keys()) if (!b.files.has(name)) out.push(`${name} (removed)`);
  return out;
}

export interface WriteProof {
  calls: number;
  ok: number;
  seconds: number;
  before: Snapshot;
  after: Snapshot;
  changed: string[];
  /** After one CreateUser (the control: the detector sees a write). */
  control: Snapshot;
  controlChanged: string[];
}

async function proveNoWrites(
  port: number,
  dataDir: string,
  user: Creds,
  v: StsScale,
  iam: IAMClient,
): Promise<WriteProof> {
  const requests: PreparedRequest[] = [];
  for (let i = 0; i < v.proofCalls; i++)
    requests.push(await stsCall(port, user, assumeRoleParams(1_000_000 + i, i % 2 === 1)));
  const db = new Database(storagePaths(dataDir).database, { readonly: true, fileMustExist: true });
  try {
    const before = snapshot(dataDir, db);
    let ok = 0;
    const t0 = performance.now();
    await inParallel(requests.length, 32, async (i) => {
      const a = await send(port, requests[i]!);
      if (a.status === 200 && a.body.includes('<AccessKeyId>ASIA')) ok++;
    });
    const seconds = (performance.now() - t0) / 1000;
    const after = snapshot(dataDir, db);
    await iam.send(new CreateUserCommand({ UserName: 'bench-control' }));
    const control = snapshot(dataDir, db);
    return {
      calls: requests.length,
      ok,
      seconds,
      before,
      after,
      changed: changedFiles(before, after),
      control,
      controlChanged: changedFiles(after, control),
    };
  } finally {
    db.close();
  }
}

export interface MicroRow {
  name: string;
  opsPerSec: number;
  /** µs per operation. */
  us: number;
}

/** Operations per second of `fn`, best of 3 runs of `ms` (after a warm-up). */
function opsPerSec(ms: number, fn: (i: number) => unknown): number {
  let sink: unknown;
  const run = (limit: number) => {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < limit) {
      for (let k = 0; k < 200; k++) sink = fn(n++);
      t = performance.now();
    }
    return (n / (t - t0)) * 1000;
  };
  run(Math.min(200, ms));
  const best = Math.max(run(ms), run(ms), run(ms));
  if (sink === Symbol.for('never')) throw new Error('unreachable');
  return best;
}

async function microbench(v: StsScale, idp: Idp | undefined, log: (l: string) => void): Promise<MicroRow[]> {
  // Like the load runs: wait for the rest of the machine to be quiet before each measurement.
  const quiet = () => (v.quick ? Promise.resolve() : waitForQuiet(30_000, log));
  const keys = StsKeyring.derive(randomBytes(32));
  const now = Date.now();
  const claims = (policy: boolean): SessionClaims => ({
    sessionId: randomBytes(12).toString('base64url'),
    accessKey: 'ASIAABCDEFGHIJKLMNOP',
    parentAccessKey: 'AKIAABCDEFGHIJKLMNOP',
    issuedAt: now,
    expiresAt: now + 3600_000,
    sessionName: 'bench-1',
    ...(policy ? { sessionPolicies: [SESSION_POLICY] } : {}),
  });
  const plain = claims(false);
  const withPolicy = claims(true);
  const opener = sessionOpener(keys);
  const t1 = sealSession(keys, plain).token;
  const t2 = sealSession(keys, withPolicy).token;
  if (opener.open(plain.accessKey, t1, now)?.claims.sessionId !== plain.sessionId)
    throw new Error('sessionOpener did not open a token it sealed');
  const hmacKey = randomBytes(32);
  const forty = 'ASIAABCDEFGHIJKLMNOP\u0000abcdefghijklmnopq'.padEnd(40, 'x');
  const parent = {
    kind: 'user' as const,
    account: '',
    accessKey: 'AKIAABCDEFGHIJKLMNOP',
    arn: 'arn:aws:iam:::user/bench',
    userId: 'bench',
  };
  const rows: [string, (i: number) => unknown][] = [
    [
      'HMAC-SHA256 of a 40-byte string (baseline)',
      () => createHmac('sha256', hmacKey).update(forty).digest(),
    ],
    ['sealSession, no session policy', () => sealSession(keys, plain)],
    ['sealSession, with a session policy', () => sealSession(keys, withPolicy)],
    ['sessionOpener.open, no session policy', () => opener.open(plain.accessKey, t1, now)],
    ['sessionOpener.open, with a session policy', () => opener.open(plain.accessKey, t2, now)],
    [
      'issueSession (random ids + seal + secret), no session policy',
      () => issueSession(keys, parent as never, { now, durationSeconds: 3600 }),
    ],
  ];
  const out: MicroRow[] = [];
  for (const [name, fn] of rows) {
    await quiet();
    const ops = opsPerSec(v.microMs, fn);
    out.push({ name, opsPerSec: ops, us: 1e6 / ops });
  }
  if (idp) {
    const key = await importJWK(idp.publicJwk, 'RS256');
    const token = idp.tokens[0]!;
    // jose is async: measure with awaits, as the server's verifier calls it.
    const run = async (ms: number) => {
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < ms) {
        await compactVerify(token, key);
        n++;
      }
      return (n / (performance.now() - t0)) * 1000;
    };
    await quiet();
    await run(Math.min(200, v.microMs));
    const ops = Math.max(await run(v.microMs), await run(v.microMs), await run(v.microMs));
    out.push({ name: 'jose compactVerify of the RS256 web identity token', opsPerSec: ops, us: 1e6 / ops });
  }
  return out;
}

function pinSelf(cpuList: string | undefined): void {
  if (cpuList) spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(process.pid)], { stdio: 'ignore' });
}

/** Cases measured against each other: every round measures each once, the order rotating. */
interface Group {
  id: string;
  cases: Case[];
}

async function measureGroup(
  g: Group,
  server: ServerProcess,
  ctx: Ctx,
  v: StsScale,
  log: (l: string) => void,
  check: (c: Case, first: PreparedRequest[]) => Promise<void>,
): Promise<Row[]> {
  if (g.cases.length === 0) return [];
  const prepared: Prepared[] = [];
  for (const c of g.cases) {
    const p = await prepare(c, server, 'tessera', ctx);
    await check(c, p.requests);
    prepared.push(p);
  }
  for (let round = 0; round < v.rounds; round++) {
    for (let k = 0; k < g.cases.length; k++) {
      const at = (k + round) % g.cases.length;
      if (!v.quick) await waitForQuiet(30_000, log);
      prepared[at]!.samples.push(await measure(g.cases[at]!, prepared[at]!, ctx));
    }
  }
  const rows = g.cases.map((c, i) => toRow(c, prepared[i]!));
  for (const r of rows)
    log(
      `  ${r.caseId.padEnd(22)} ${fmtRate(r).padStart(13)}  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  cpu/req ${fmtCpu(r.cpuPerRequestMs)}  server ${r.serverCpuPct.toFixed(0)}%  client ${r.clientCpuPct.toFixed(0)}% (${r.tool})${r.errors ? `  ERRORS ${r.errors}` : ''}`,
    );
  return rows;
}

export interface StsResult {
  scale: StsScale;
  issuance: Row[];
  requestPath: Row[];
  proof: WriteProof;
  micro: MicroRow[];
  webIdentity: boolean;
  tool: string;
  pinned: string;
  profile?: string;
}

const fmtRate = (r: Row) => `${Math.round(r.value).toLocaleString('en-US')} ${r.unit}`;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const int = (x: number) => Math.round(x).toLocaleString('en-US');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

export const ISSUANCE_IDS = [
  'caller-identity',
  'head-bucket',
  'assume-role',
  'assume-role-policy',
  'web-identity',
] as const;
export const REQUEST_IDS = ['get-1k-root', 'get-1k-user', 'get-1k-session'] as const;

/** The result as Markdown (the format of docs/benchmarks.md). */
export function stsTables(r: StsResult): string {
  const head = [
    '| benchmark | throughput | CPU per request | p50 / p99 ms | server CPU | client CPU | rounds | load |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const line = (x: Row) =>
    `| ${x.title} (\`${x.caseId}\`) | ${fmtRate(x)} | ${fmtCpu(x.cpuPerRequestMs)} | ${ms(x.p50Ms)} / ${ms(x.p99Ms)} | ${x.serverCpuPct.toFixed(0)}% | ${x.clientCpuPct.toFixed(0)}% | ${x.roundValues.map((y) => Math.round(y)).join(', ')} | ${x.tool} |`;
  const by = (rows: Row[], id: string) => rows.find((x) => x.caseId === id);
  const out = ['Issuance (HTTP, one worker):', '', ...head, ...r.issuance.map(line), ''];
  const gci = by(r.issuance, 'caller-identity');
  const ar = by(r.issuance, 'assume-role');
  const arp = by(r.issuance, 'assume-role-policy');
  const head1 = by(r.issuance, 'head-bucket');
  const wi = by(r.issuance, 'web-identity');
  if (gci && ar && arp && head1) {
    out.push(
      '| ratio | throughput | CPU per request |',
      '| --- | ---: | ---: |',
      `| AssumeRole ÷ GetCallerIdentity | ${ratio(ar.value, gci.value)} | ${ratio(ar.cpuPerRequestMs, gci.cpuPerRequestMs)} |`,
      `| AssumeRole with session policy ÷ GetCallerIdentity | ${ratio(arp.value, gci.value)} | ${ratio(arp.cpuPerRequestMs, gci.cpuPerRequestMs)} |`,
      `| AssumeRole ÷ HEAD bucket | ${ratio(ar.value, head1.value)} | ${ratio(ar.cpuPerRequestMs, head1.cpuPerRequestMs)} |`,
      `| GetCallerIdentity ÷ HEAD bucket | ${ratio(gci.value, head1.value)} | ${ratio(gci.cpuPerRequestMs, head1.cpuPerRequestMs)} |`,
      ...(wi
        ? [
            `| AssumeRoleWithWebIdentity ÷ AssumeRole | ${ratio(wi.value, ar.value)} | ${ratio(wi.cpuPerRequestMs, ar.cpuPerRequestMs)} |`,
          ]
        : []),
      '',
      `Issuance cost over GetCallerIdentity, per call: AssumeRole ${fmtCpu(ar.cpuPerRequestMs - gci.cpuPerRequestMs)}, with a session policy ${fmtCpu(arp.cpuPerRequestMs - gci.cpuPerRequestMs)}.`,
      `AssumeRole per busy core (from CPU per request): ${int(1000 / ar.cpuPerRequestMs)}/s; with a session policy ${int(1000 / arp.cpuPerRequestMs)}/s.`,
      '',
    );
  }
  const p = r.proof;
  if (p.calls === 0) out.push('Zero-write proof: skipped (BENCH_STS_ONLY).', '');
  const delta = (name: string, a: number, b: number) =>
    `${name} ${a.toLocaleString('en-US')} → ${b.toLocaleString('en-US')}`;
  if (p.calls > 0)
    out.push(
      `Zero-write proof: ${p.calls.toLocaleString('en-US')} AssumeRole calls (half with a session policy), ${p.ok.toLocaleString('en-US')} answered with credentials, in ${p.seconds.toFixed(1)} s (${int(p.calls / p.seconds)}/s, node:http, 32 connections):`,
      `- across the calls: ${delta('data_version', p.before.dataVersion, p.after.dataVersion)}; ${delta('IAM change seq', p.before.changeSeq, p.after.changeSeq)}; ${delta('meta.db bytes', p.before.dbSize, p.after.dbSize)}; ${delta('meta.db-wal bytes', p.before.walSize, p.after.walSize)}; files changed (size or mtime, -shm aside): ${p.changed.length ? p.changed.join(', ') : 'none'} → **${noWrites(p) ? 'no store writes' : 'WRITES SEEN'}**`,
      `- control, one CreateUser after: ${delta('data_version', p.after.dataVersion, p.control.dataVersion)}; ${delta('IAM change seq', p.after.changeSeq, p.control.changeSeq)}; ${delta('meta.db-wal bytes', p.after.walSize, p.control.walSize)}; files changed: ${p.controlChanged.join(', ') || 'none'}`,
      '',
    );
  const base = r.micro[0]!;
  out.push(
    'In-process, one core (best of 3):',
    '',
    '| operation | per second | µs each | ÷ HMAC-SHA256 (time) |',
    '| --- | ---: | ---: | ---: |',
    ...r.micro.map(
      (m) => `| ${m.name} | ${int(m.opsPerSec)} | ${m.us.toFixed(2)} | ${(m.us / base.us).toFixed(1)}× |`,
    ),
    '',
  );
  out.push(
    'Request path, 1 KiB GET (header-signed, fresh signature each):',
    '',
    ...head,
    ...r.requestPath.map(line),
    '',
  );
  const root = by(r.requestPath, 'get-1k-root');
  const user = by(r.requestPath, 'get-1k-user');
  const sess = by(r.requestPath, 'get-1k-session');
  if (root && user && sess) {
    const perRound = sess.roundValues.map((x, i) => x / user.roundValues[i]!);
    out.push(
      '| ratio | throughput | per-round throughput | CPU per request |',
      '| --- | ---: | ---: | ---: |',
      `| temporary credentials ÷ user key | ${ratio(sess.value, user.value)} | ${perRound.map((x) => x.toFixed(2)).join(', ')} | ${ratio(sess.cpuPerRequestMs, user.cpuPerRequestMs)} |`,
      `| user key ÷ root | ${ratio(user.value, root.value)} | ${user.roundValues.map((x, i) => (x / root.roundValues[i]!).toFixed(2)).join(', ')} | ${ratio(user.cpuPerRequestMs, root.cpuPerRequestMs)} |`,
      `| temporary credentials ÷ root | ${ratio(sess.value, root.value)} | ${sess.roundValues.map((x, i) => (x / root.roundValues[i]!).toFixed(2)).join(', ')} | ${ratio(sess.cpuPerRequestMs, root.cpuPerRequestMs)} |`,
      '',
    );
  }
  out.push(...aims(r));
  return out.join('\n');
}

export function noWrites(p: WriteProof): boolean {
  return (
    p.ok === p.calls &&
    p.before.dataVersion === p.after.dataVersion &&
    p.before.changeSeq === p.after.changeSeq &&
    p.before.walSize === p.after.walSize &&
    p.before.dbSize === p.after.dbSize &&
    p.changed.length === 0
  );
}

function aims(r: StsResult): string[] {
  const ar = r.issuance.find((x) => x.caseId === 'assume-role');
  const user = r.requestPath.find((x) => x.caseId === 'get-1k-user');
  const sess = r.requestPath.find((x) => x.caseId === 'get-1k-session');
  const lines = ['| aim | measured | |', '| --- | ---: | --- |'];
  const verdict = (ok: boolean, short: string) => (ok ? 'met' : `**missed** (${short})`);
  if (ar) {
    const best = ar.value;
    lines.push(
      `| ≥ 5,000 AssumeRole/s on one core | ${int(best)}/s (per busy core ${int(1000 / ar.cpuPerRequestMs)}/s) | ${verdict(best >= 5000, `${((1 - best / 5000) * 100).toFixed(0)}% short`)} |`,
    );
  }
  lines.push(
    `| zero store writes during issuance | ${r.proof.calls.toLocaleString('en-US')} calls | ${r.proof.calls === 0 ? 'skipped' : noWrites(r.proof) ? 'met' : '**missed**'} |`,
  );
  if (user && sess) {
    const x = sess.value / user.value;
    lines.push(
      `| temporary credentials within 10 % of user keys (1 KiB GET) | ${x.toFixed(2)}× (CPU per request ${ratio(sess.cpuPerRequestMs, user.cpuPerRequestMs)}) | ${verdict(x >= 0.9, `${((0.9 - x) * 100).toFixed(0)} points short`)} |`,
    );
  }
  if (r.scale.quick) lines.push('', '(--quick: sizes and durations are reduced, the aims do not apply)');
  return lines;
}

export async function runStsBench(o: {
  quick: boolean;
  rounds?: number;
  keep?: boolean;
  profileDir?: string;
  log: (line: string) => void;
}): Promise<StsResult> {
  const v = stsScale(o.quick, o.rounds);
  // BENCH_STS_ONLY=id,id: measure only those cases, without the zero-write proof (to profile one path).
  const only = process.env.BENCH_STS_ONLY?.split(',').filter(Boolean);
  if (only) v.proofCalls = 0;
  const plan = cpuPlan();
  const tool = loadTool();
  const pinned = plan.server
    ? `server on CPU ${plan.server}, load generator on CPU ${plan.client}`
    : 'no pinning (one CPU)';
  o.log(`load generator: ${tool === 'wrk' ? 'wrk' : 'built-in Node client'} (HEAD: built-in); ${pinned}`);
  pinSelf(plan.client);
  const workDir = mkdtempSync(join(tmpdir(), 'tessera-bench-sts-'));
  const dataDir = join(workDir, 'data');
  mkdirSync(dataDir);
  let server: ServerProcess | undefined;
  let idp: Idp | undefined;
  const clients: { destroy: () => void }[] = [];
  const onSignal = () => {
    void (server?.stop() ?? Promise.resolve()).finally(() => {
      rmSync(workDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const saved: Record<string, string | undefined> = {};
  try {
    o.log(`idp: ${v.tokens} RS256 tokens`);
    idp = await startIdp(v.tokens);
    // The server reads its OpenID Connect provider from the environment, as users configure it.
    const env: Record<string, string> = {
      TESSERA_IDENTITY_OPENID_CONFIG_URL: `${idp.issuer}/.well-known/openid-configuration`,
      TESSERA_IDENTITY_OPENID_CLIENT_ID: CLIENT_ID,
    };
    for (const [k, val] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = val;
    }
    if (o.profileDir) mkdirSync(o.profileDir, { recursive: true });
    server = await startTessera(dataDir, plan.server, o.profileDir);
    for (const k of Object.keys(env)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    const port = server.port;
    const endpoint = `http://127.0.0.1:${port}`;
    // Setup through the APIs: the bucket and object as root, a user through the IAM API.
    await sendOk(port, await signRequest(port, 'PUT', `/${BUCKET}`));
    await sendOk(port, await signRequest(port, 'PUT', `/${BUCKET}/${KEY}`, { body: fixtureBytes(KiB) }));
    const rootCreds = { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD };
    const iam = new IAMClient({ endpoint, region: REGION, credentials: rootCreds });
    clients.push(iam);
    await iam.send(new CreateUserCommand({ UserName: USER }));
    const policy = await iam.send(
      new CreatePolicyCommand({
        PolicyName: `${USER}-bucket`,
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 's3:*',
              Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
            },
          ],
        }),
      }),
    );
    await iam.send(new AttachUserPolicyCommand({ UserName: USER, PolicyArn: policy.Policy!.Arn! }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: USER }));
    const user: Creds = {
      accessKeyId: key.AccessKey!.AccessKeyId!,
      secretAccessKey: key.AccessKey!.SecretAccessKey!,
    };
    const sts = new STSClient({ endpoint, region: REGION, credentials: user, maxAttempts: 1 });
    clients.push(sts);
    const got = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 3600 }));
    const session: Creds = {
      accessKeyId: got.Credentials!.AccessKeyId!,
      secretAccessKey: got.Credentials!.SecretAccessKey!,
      sessionToken: got.Credentials!.SessionToken!,
    };

    o.log(`zero-write proof: ${v.proofCalls.toLocaleString('en-US')} AssumeRole calls`);
    const proof = await proveNoWrites(port, dataDir, user, v, iam);
    o.log(
      `  ${proof.ok}/${proof.calls} ok in ${proof.seconds.toFixed(1)} s; data_version ${proof.before.dataVersion} → ${proof.after.dataVersion}, change seq ${proof.before.changeSeq} → ${proof.after.changeSeq}, wal ${proof.before.walSize} → ${proof.after.walSize}; changed: ${proof.changed.join(', ') || 'none'} → ${noWrites(proof) ? 'no writes' : 'WRITES'}`,
    );
    o.log(
      `  control (one CreateUser): data_version ${proof.after.dataVersion} → ${proof.control.dataVersion}, change seq ${proof.after.changeSeq} → ${proof.control.changeSeq}, wal ${proof.after.walSize} → ${proof.control.walSize}`,
    );

    // The web identity path must work before it is measured (the provider is reached on first use).
    const probe = await send(port, await stsCall(port, undefined, webParams(idp.tokens[0]!)));
    const webIdentity = probe.status === 200 && probe.body.includes('<AccessKeyId>ASIA');
    if (!webIdentity)
      o.log(
        `web-identity: not measured, the server answered ${probe.status} ${probe.body.toString().slice(0, 300)}`,
      );
    const tokens = idp.tokens;

    const ctx: Ctx = { s: v, workDir, clientCpus: plan.client };
    const issuance: Group = {
      id: 'issuance',
      cases: [
        rate('caller-identity', 'GetCallerIdentity, signed by the user (baseline: no issuance)', (p, s) =>
          signMany(s.signed, (i) =>
            signAs(user, 'sts', p, 'POST', '/', {
              body: Buffer.from(queryString({ Action: 'GetCallerIdentity', Version: '2011-06-15' })),
              headers: { 'content-type': FORM, ...nonce(i) },
            }),
          ),
        ),
        rate('head-bucket', 'HEAD bucket (S3), signed by the user (baseline)', (p, s) =>
          signMany(s.signed, (i) => signAs(user, 's3', p, 'HEAD', `/${BUCKET}`, { headers: nonce(i) })),
        ),
        rate('assume-role', 'AssumeRole, any RoleArn, signed by the user', (p, s) =>
          signMany(s.signed, (i) => stsCall(p, user, assumeRoleParams(i, false))),
        ),
        rate(
          'assume-role-policy',
          `AssumeRole with a session policy (${SESSION_POLICY.length} characters)`,
          (p, s) => signMany(s.signed, (i) => stsCall(p, user, assumeRoleParams(i, true))),
        ),
        ...(webIdentity
          ? [
              rate(
                'web-identity',
                `AssumeRoleWithWebIdentity, RS256 token (${tokens.length.toLocaleString('en-US')} distinct), local JWKS`,
                async (p) => Promise.all(tokens.map((t) => stsCall(p, undefined, webParams(t)))),
              ),
            ]
          : []),
      ],
    };
    const requestPath: Group = {
      id: 'request-path',
      cases: REQUEST_IDS.map((id) => {
        const who = id === 'get-1k-root' ? rootCreds : id === 'get-1k-user' ? user : session;
        const label =
          id === 'get-1k-root'
            ? 'root'
            : id === 'get-1k-user'
              ? "the user's long-term key"
              : 'temporary credentials (GetSessionToken of the user)';
        return rate(
          id,
          `1 KiB GET as ${label}`,
          (p, s) =>
            signMany(s.signed, (i) =>
              signAs(who, 's3', p, 'GET', `/${BUCKET}/${KEY}`, { headers: nonce(i) }),
            ),
          { key: KEY, size: KiB },
        );
      }),
    };
    const check = async (c: Case, reqs: PreparedRequest[]) => {
      if (!c.id.startsWith('assume-role') && c.id !== 'web-identity') return;
      const a = await send(port, reqs[1] ?? reqs[0]!);
      if (a.status !== 200 || !a.body.includes('<AccessKeyId>ASIA'))
        throw new Error(`${c.id}: ${a.status} ${a.body.toString().slice(0, 300)}`);
    };
    for (const g of [issuance, requestPath]) if (only) g.cases = g.cases.filter((c) => only.includes(c.id));
    o.log('issuance:');
    const issuanceRows = await measureGroup(issuance, server, ctx, v, o.log, check);
    o.log('in-process:');
    const micro = await microbench(v, idp, o.log);
    for (const m of micro)
      o.log(`  ${m.name.padEnd(62)} ${int(m.opsPerSec).padStart(10)}/s  ${m.us.toFixed(2)} µs`);
    o.log('request path:');
    const requestRows = await measureGroup(requestPath, server, ctx, v, o.log, check);
    let profile: string | undefined;
    if (o.profileDir) {
      await server.stop();
      server = undefined;
      profile = summarizeProfiles(o.profileDir);
    }
    return {
      scale: v,
      issuance: issuanceRows,
      requestPath: requestRows,
      proof,
      micro,
      webIdentity,
      tool: tool === 'wrk' ? 'wrk 4.1 (Debian)' : 'built-in Node client',
      pinned,
      ...(profile ? { profile } : {}),
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const c of clients) c.destroy();
    closeClients();
    await server?.stop();
    await new Promise<void>((r) => (idp ? idp.server.close(() => r()) : r()));
    if (!o.keep) rmSync(workDir, { recursive: true, force: true });
    else o.log(`kept ${workDir}`);
  }
}

function webParams(token: string): Record<string, string> {
  return {
    Action: 'AssumeRoleWithWebIdentity',
    RoleArn: ROLE_ARN,
    WebIdentityToken: token,
    DurationSeconds: '3600',
  };
}

/** Whether the run saw failed requests (non-2xx or socket errors). */
export function stsErrors(r: StsResult): number {
  return [...r.issuance, ...r.requestPath].reduce((n, x) => n + x.errors, 0);
}
