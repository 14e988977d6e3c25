import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const STORAGE = resolve(import.meta.dirname, '../dist/src/storage/index.js');
const dir = mkdtempSync(join(tmpdir(), 'tessera-store-close-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A process that only uses the metadata store (the versioning benchmark seeds one, CLI tools
 * may) must go on after close(): the checkpoint thread the store started after its first writes
 * is unreferenced while it runs, and must not let the process end while close() waits for it.
 */
const SCRIPT = `
const { SqliteMetadataStore } = await import(${JSON.stringify(STORAGE)});
const store = new SqliteMetadataStore(${JSON.stringify(join(dir, 'meta.db'))});
await store.createBucket({ name: 'b', account: '', region: 'us-east-1', createdAt: 0 });
const writes = [];
for (let i = 0; i < 300; i++)
  writes.push(store.putObject({ bucket: 'b', key: 'k' + i, versionId: 'null', size: 0, etag: 'e', lastModified: 0,
    headers: {}, userMetadata: {}, tags: [], data: { kind: 'inline', bytes: Buffer.alloc(0) } }));
await Promise.all(writes);
await store.close();
console.log('closed, still running');
`;

describe('SqliteMetadataStore.close', () => {
  it('keeps the process alive until the checkpoint thread has stopped', async () => {
    const { code, out } = await new Promise<{ code: number; out: string }>((done) =>
      execFile(
        process.execPath,
        ['--input-type=module', '-e', SCRIPT],
        { timeout: 60_000 },
        (err, stdout, stderr) =>
          done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      ),
    );
    expect(out).toContain('closed, still running');
    expect(code).toBe(0);
  });
});
