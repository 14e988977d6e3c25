/**
 * The reference servers Tessera is measured against, run as a child process:
 *
 *   node dist/bench/server/reference-server.js bare|verify PORT FIXTURES.json
 *
 * - bare: node:http answering GET with the same bytes Tessera serves (from memory), HEAD with the
 *   same headers, ListObjectsV2 with the XML Tessera returned for the same listing, and PUT by
 *   draining the body. The ceiling for any Node HTTP server on this machine.
 * - verify: the same plus Tessera's own authenticate() on every request, and for a PUT the body
 *   piped through the verifier's payload check (streaming chunk signatures, or the SHA-256).
 *   The ceiling for any authenticating Node server.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Credential, VerifiedRequest } from '../../src/auth/index.js';
import { fixtureBytes } from './common.js';

/** What the harness learned from Tessera, so the references answer with the same bytes. */
export interface Fixtures {
  objects: Record<string, { size: number; headers: Record<string, string> }>;
  /** ListObjectsV2 answers by kind. */
  lists: { rollup: string; folder: string };
}

const [kind, portArg, fixturesFile] = process.argv.slice(2);
if ((kind !== 'bare' && kind !== 'verify') || !portArg || !fixturesFile) {
  process.stderr.write('usage: reference-server.js bare|verify PORT FIXTURES.json\n');
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

function payloadStream(req: IncomingMessage, verified: VerifiedRequest | undefined): Readable {
  const p = verified?.payload;
  if (!p || p.type === 'none') return req;
  if (p.type === 'sha256') return req.pipe(auth!.createPayloadHashCheck(p.expected));
  const decoder = auth!.createChunkedDecoder(p.decoder);
  req.on('error', (e) => decoder.destroy(e));
  return req.pipe(decoder);
}

function put(req: IncomingMessage, res: ServerResponse, verified: VerifiedRequest | undefined): void {
  const body = payloadStream(req, verified);
  body.on('error', () => fail(res, 400, 'BadDigest'));
  body.on('end', () => {
    res.setHeader('etag', '"d41d8cd98f00b204e9800998ecf8427e"');
    res.setHeader('content-length', 0);
    res.end();
  });
  body.resume();
}

function answer(
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
  rawQuery: string,
  v?: VerifiedRequest,
) {
  requestId(res);
  const method = req.method ?? 'GET';
  if (method === 'PUT') return put(req, res, v);
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

const server = createServer({ requestTimeout: 0, keepAliveTimeout: 5_000 }, (req, res) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  if (!auth) return answer(req, res, rawPath, rawQuery);
  auth
    .authenticate(
      { method: req.method ?? 'GET', rawPath, rawQuery, headers: req.headers },
      { now: Date.now(), lookup },
    )
    .then(
      (verified: VerifiedRequest) => answer(req, res, rawPath, rawQuery, verified),
      (e: unknown) => {
        requestId(res);
        res.setHeader('connection', 'close');
        fail(res, 403, (e as { code?: string }).code ?? 'AccessDenied');
      },
    );
});
server.listen(Number(portArg), '127.0.0.1', () => process.stdout.write(`reference ready (${kind})\n`));
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
process.once('SIGINT', () => process.exit(0));
