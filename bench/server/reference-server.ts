/**
 * The reference servers Tessera is measured against, run as a child process:
 *
 *   node dist/bench/server/reference-server.js bare|minimal|verify PORT FIXTURES.json
 *
 * - bare: node:http answering GET with the same bytes Tessera serves (from memory), HEAD with the
 *   same headers, ListObjectsV2 with the XML Tessera returned for the same listing, and PUT by
 *   draining the body. The ceiling for any Node HTTP server on this machine.
 * - minimal: the same answers after the minimal SigV4 verifier (minimal-sigv4.ts, written from the
 *   AWS specification, nothing from src/), synchronous, and for a PUT its payload check (the
 *   SHA-256, or the chained chunk signatures) before answering. The ceiling for any
 *   authenticating Node server; the ratios of the report are against it.
 * - verify ("Tessera verifier (bare)"): the same answers after Tessera's own authenticate() and
 *   its payload check: what Tessera's verifier costs outside Tessera.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Credential, VerifiedRequest } from '../../src/auth/index.js';
import { fixtureBytes, REGION } from './common.js';
import { bodyCheck } from './minimal-payload.js';
import { AuthFailure, type PayloadCheck, verifyMinimal } from './minimal-sigv4.js';

/** What the harness learned from Tessera, so the references answer with the same bytes. */
export interface Fixtures {
  objects: Record<string, { size: number; headers: Record<string, string> }>;
  /** ListObjectsV2 answers by kind. */
  lists: { rollup: string; folder: string };
}

const [kind, portArg, fixturesFile] = process.argv.slice(2);
if ((kind !== 'bare' && kind !== 'minimal' && kind !== 'verify') || !portArg || !fixturesFile) {
  process.stderr.write('usage: reference-server.js bare|minimal|verify PORT FIXTURES.json\n');
  process.exit(2);
}
const fixtures = JSON.parse(readFileSync(fixturesFile, 'utf8')) as Fixtures;
const bodies = new Map<string, Buffer>();
for (const [key, o] of Object.entries(fixtures.objects)) bodies.set(key, fixtureBytes(o.size));
const lists = { rollup: Buffer.from(fixtures.lists.rollup), folder: Buffer.from(fixtures.lists.folder) };

// The bare server never loads the verifier.
const auth = kind === 'verify' ? await import('../../src/auth/index.js') : undefined;
const credential: Credential = {
  accessKey: process.env.BENCH_ROOT_USER ?? '',
  secretKey: process.env.BENCH_ROOT_PASSWORD ?? '',
  principal: { type: 'root' },
};
const lookup = (accessKey: string) => (accessKey === credential.accessKey ? credential : undefined);

function requestId(res: ServerResponse): void {
  res.setHeader('x-amz-request-id', randomBytes(8).toString('hex').toUpperCase());
  res.setHeader('server', 'Reference');
}

function fail(res: ServerResponse, status: number, code: string): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code></Error>`;
  res.statusCode = status;
  res.setHeader('content-type', 'application/xml');
  res.setHeader('content-length', Buffer.byteLength(xml));
  res.end(xml);
}

/** Reads a PUT body to its end; `done` gets an error code when the body is not what was signed. */
type Consume = (req: IncomingMessage, done: (error?: string) => void) => void;

const drain: Consume = (req, done) => {
  req.on('end', () => done());
  req.resume();
};

/** Tessera's payload check (its own streams) for what its verifier said the body owes. */
function tesseraBody(verified: VerifiedRequest): Consume {
  return (req, done) => {
    const p = verified.payload;
    let body: Readable = req;
    if (p.type === 'sha256') body = req.pipe(auth!.createPayloadHashCheck(p.expected));
    else if (p.type !== 'none') {
      const decoder = auth!.createChunkedDecoder(p.decoder);
      req.on('error', (e) => decoder.destroy(e));
      body = req.pipe(decoder);
    }
    body.on('error', () => done('BadDigest'));
    body.on('end', () => done());
    body.resume();
  };
}

/** The minimal verifier's payload check, fed the body as it arrives. */
function minimalBody(p: PayloadCheck): Consume {
  const check = bodyCheck(p);
  if (!check) return drain;
  return (req, done) => {
    let failed: string | undefined;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      try {
        check.update(chunk);
      } catch (e) {
        failed = (e as AuthFailure).code;
      }
    });
    req.on('end', () => {
      if (!failed) {
        try {
          check.end();
        } catch (e) {
          failed = (e as AuthFailure).code;
        }
      }
      done(failed);
    });
  };
}

function put(req: IncomingMessage, res: ServerResponse, consume: Consume): void {
  consume(req, (error) => {
    if (error) return fail(res, 400, error);
    res.setHeader('etag', '"d41d8cd98f00b204e9800998ecf8427e"');
    res.setHeader('content-length', 0);
    res.end();
  });
}

function answer(
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
  rawQuery: string,
  consume: Consume,
) {
  requestId(res);
  const method = req.method ?? 'GET';
  if (method === 'PUT') return put(req, res, consume);
  if (rawQuery.includes('list-type=2')) {
    const xml = rawQuery.includes('delimiter=') ? lists.rollup : lists.folder;
    res.setHeader('content-type', 'application/xml');
    res.setHeader('content-length', xml.length);
    return res.end(xml);
  }
  const key = decodeURIComponent(rawPath.slice(rawPath.indexOf('/', 1) + 1));
  const body = bodies.get(key);
  if (!body) return fail(res, 404, 'NoSuchKey');
  for (const [k, value] of Object.entries(fixtures.objects[key]!.headers)) res.setHeader(k, value);
  res.setHeader('content-length', body.length);
  return res.end(method === 'HEAD' ? undefined : body);
}

function refuse(res: ServerResponse, code: string): void {
  requestId(res);
  res.setHeader('connection', 'close');
  fail(res, 403, code);
}

const minimalLookup = (accessKey: string) =>
  accessKey === credential.accessKey ? { secretKey: credential.secretKey } : undefined;

const server = createServer({ requestTimeout: 0, keepAliveTimeout: 5_000 }, (req, res) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const method = req.method ?? 'GET';
  if (kind === 'bare') return answer(req, res, rawPath, rawQuery, drain);
  if (kind === 'minimal') {
    let payload: PayloadCheck;
    try {
      payload = verifyMinimal(
        { method, rawPath, rawQuery, headers: req.headers },
        { now: Date.now(), lookup: minimalLookup, region: REGION },
      );
    } catch (e) {
      return refuse(res, e instanceof AuthFailure ? e.code : 'AccessDenied');
    }
    return answer(req, res, rawPath, rawQuery, minimalBody(payload));
  }
  auth!.authenticate({ method, rawPath, rawQuery, headers: req.headers }, { now: Date.now(), lookup }).then(
    (verified: VerifiedRequest) => answer(req, res, rawPath, rawQuery, tesseraBody(verified)),
    (e: unknown) => refuse(res, (e as { code?: string }).code ?? 'AccessDenied'),
  );
});
server.listen(Number(portArg), '127.0.0.1', () => process.stdout.write(`reference ready (${kind})\n`));
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
process.once('SIGINT', () => process.exit(0));
