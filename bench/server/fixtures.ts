import { type Case, folderName, type Scale } from './cases.js';
import { inParallel, send, sendOk } from './client.js';
import { BUCKET, fixtureBytes, KEYS, KiB, LIST_BUCKET, MiB, PUT_BUCKET } from './common.js';
import type { ServerProcess } from './procs.js';
import type { Fixtures } from './reference-server.js';
import { signRequest } from './signing.js';

/** Creates the buckets and, through the S3 API, the objects the selected cases read. */
export async function preload(
  port: number,
  cases: Case[],
  s: Scale,
  log: (l: string) => void,
): Promise<void> {
  for (const bucket of [BUCKET, LIST_BUCKET, PUT_BUCKET])
    await sendOk(port, await signRequest(port, 'PUT', `/${bucket}`));
  for (const [key, size] of [
    [KEYS.small, KiB],
    [KEYS.medium, MiB],
  ] as const) {
    await sendOk(port, await signRequest(port, 'PUT', `/${BUCKET}/${key}`, { body: fixtureBytes(size) }));
  }
  if (cases.some((c) => c.kind === 'get-large')) {
    log(`preload: ${KEYS.large} (${s.large / MiB} MiB)`);
    await sendOk(
      port,
      await signRequest(port, 'PUT', `/${BUCKET}/${KEYS.large}`, { body: fixtureBytes(s.large) }),
    );
  }
  if (cases.some((c) => c.group === 'list')) {
    const total = s.folders * s.keysPerFolder;
    log(`preload: ${total} keys (${s.folders} folders × ${s.keysPerFolder})`);
    const body = fixtureBytes(64, 4);
    await inParallel(total, 16, async (i) => {
      const key = `${folderName(Math.floor(i / s.keysPerFolder))}key${String(i % s.keysPerFolder).padStart(3, '0')}`;
      await sendOk(port, await signRequest(port, 'PUT', `/${LIST_BUCKET}/${key}`, { body }));
    });
  }
}

const SKIP_HEADERS = new Set([
  'date',
  'connection',
  'keep-alive',
  'content-length',
  'x-amz-request-id',
  'server',
  'transfer-encoding',
]);

/** Reads back from Tessera what the references must answer: object headers and listing XML. */
export async function fixturesFrom(port: number, cases: Case[], s: Scale): Promise<Fixtures> {
  const objects: Fixtures['objects'] = {};
  const keys: [string, number][] = [
    [KEYS.small, KiB],
    [KEYS.medium, MiB],
  ];
  if (cases.some((c) => c.kind === 'get-large')) keys.push([KEYS.large, s.large]);
  for (const [key, size] of keys) {
    const a = await sendOk(port, await signRequest(port, 'HEAD', `/${BUCKET}/${key}`));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(a.headers))
      if (!SKIP_HEADERS.has(k) && typeof v === 'string') headers[k] = v;
    objects[key] = { size, headers };
  }
  let rollup = '';
  let folder = '';
  if (cases.some((c) => c.group === 'list')) {
    const list = async (query: Record<string, string>) =>
      (await sendOk(port, await signRequest(port, 'GET', `/${LIST_BUCKET}`, { query }))).body.toString();
    rollup = await list({ 'list-type': '2', delimiter: '/' });
    folder = await list({ 'list-type': '2', prefix: folderName(0) });
    const prefixes = rollup.split('<CommonPrefixes>').length - 1;
    const contents = folder.split('<Contents>').length - 1;
    if (prefixes !== s.folders || contents !== s.keysPerFolder) {
      throw new Error(`listing fixture: roll-up has ${prefixes} prefixes, folder ${contents} keys`);
    }
  }
  return { objects, lists: { rollup, folder } };
}

/** Every server must answer the case's first request with 2xx (and the same bytes for a GET). */
export async function sanityCheck(
  c: Case,
  server: ServerProcess,
  first: Parameters<typeof send>[1],
): Promise<void> {
  const a = await send(server.port, first);
  if (a.status < 200 || a.status > 299) {
    throw new Error(`${c.id} on ${server.name}: ${a.status} ${a.body.toString().slice(0, 400)}`);
  }
  if (c.reads && c.reads.size <= MiB && !a.body.equals(fixtureBytes(c.reads.size))) {
    throw new Error(`${c.id} on ${server.name}: the body differs from the object's bytes`);
  }
}
