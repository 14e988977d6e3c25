import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../../storage/index.js';
import type { LifecycleConfiguration } from './model.js';
import { serializeLifecycle } from './model.js';
import { LifecycleScanner } from './scanner.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-lifecycle-prop-'));
let storage: Storage;
beforeAll(async () => {
  storage = await openStorage({ kind: 'embedded', dataDir: root });
});
afterAll(async () => {
  await storage.close();
  rmSync(root, { recursive: true, force: true });
});

const DAY = 1000;
const T = 1_000_000_000;
let bucketNo = 0;

/** A key's history, oldest first: a version (true) or a delete marker (false), each a day apart or more. */
const history = fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 4 })), {
  minLength: 1,
  maxLength: 6,
});

describe('the scanner against a model of AWS rules (versioned bucket)', () => {
  it('NoncurrentVersionExpiration (with NewerNoncurrentVersions) and ExpiredObjectDeleteMarker, any page size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(history, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        fc.boolean(),
        fc.integer({ min: 1, max: 5 }),
        async (keys, noncurrentDays, newer, markers, pageSize) => {
          const bucket = `p${bucketNo++}`;
          await storage.metadata.createBucket({
            name: bucket,
            account: '',
            region: 'us-east-1',
            createdAt: 0,
          });
          await storage.metadata.setBucketVersioning(bucket, 'Enabled');
          const config: LifecycleConfiguration = {
            transitionMinimumSize: 'all_storage_classes_128K',
            rules: [
              {
                id: 'r',
                enabled: true,
                scope: { kind: 'filter', filter: { kind: 'all' } },
                transitions: [],
                noncurrentTransitions: [],
                noncurrentExpiration:
                  newer === undefined
                    ? { noncurrentDays }
                    : { noncurrentDays, newerNoncurrentVersions: newer },
                ...(markers ? { expiration: { kind: 'deleteMarker' as const, expired: true } } : {}),
              },
            ],
          };
          await storage.metadata.setBucketConfig(bucket, 'lifecycle', serializeLifecycle(config));
          const expected: string[] = [];
          for (const [k, events] of keys.entries()) {
            const key = `key${k}`;
            let time = T - 30 * DAY;
            const written: { id: string; time: number; marker: boolean }[] = [];
            for (const [isVersion, gap] of events) {
              time += gap * DAY;
              if (isVersion) {
                const w = await storage.metadata.putObjectVersioned({
                  bucket,
                  key,
                  size: 1,
                  etag: 'e',
                  lastModified: time,
                  headers: {},
                  userMetadata: {},
                  tags: [],
                  data: { kind: 'inline', bytes: Buffer.from('x') },
                });
                written.push({ id: w.versionId, time, marker: false });
              } else {
                const d = await storage.metadata.deleteObjectVersioned(bucket, key, undefined, time);
                written.push({ id: d.versionId!, time, marker: true });
              }
            }
            // The model: newest first; noncurrent version i became noncurrent when version i-1 was written.
            const newest = written.reverse();
            const kept = newest.filter((_v, i) => {
              if (i === 0) return true;
              if (newer !== undefined && i - 1 < newer) return true;
              return newest[i - 1]!.time + noncurrentDays * DAY > T;
            });
            const lone = kept.length === 1 && kept[0]!.marker && markers;
            if (!lone) expected.push(...kept.map((v) => `${key}:${v.id}`));
          }
          const scanner = new LifecycleScanner({ stores: storage, dayMs: DAY, now: () => T, pageSize });
          const result = await scanner.runOnce();
          expect(result.errors).toBe(0);
          const left = await storage.metadata.listObjectVersions(bucket, {
            prefix: '',
            delimiter: '',
            keyMarker: '',
            versionIdMarker: '',
            maxKeys: 1000,
          });
          expect(left.versions.map((v) => `${v.key}:${v.versionId}`)).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});
