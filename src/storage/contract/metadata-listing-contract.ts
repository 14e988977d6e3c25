import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ListObjectsQuery, ListObjectsResult, MetadataStore } from '../types.js';
import { bucket, inlineObject } from './fixtures.js';
import { byteOrder, type ModelQuery, modelList } from './list-model.js';

/** Keys chosen to exercise ordering, delimiters and encodings. */
const ODD_KEYS = [
  'a',
  'a/',
  'a//b',
  'a/b',
  'a/b/c',
  'a/b/d',
  'a/c',
  'a-b',
  'a0',
  'b/../c',
  '..',
  './x',
  '100% done',
  'with space/file name.txt',
  '%2F',
  'é/1',
  'é/2',
  '\uffff',
  '\ue000/x',
  '😀/x',
  '😀😀',
  '\u{10ffff}/z',
  `long/${'x'.repeat(1017)}é`, // 1024 bytes
  'Z',
  '~',
];

const DELIMITERS = ['', '/', '//', 'a/', 'é', '😀', '\u{10ffff}'];

/** Characters for random keys; repeats weight the ones that form prefixes and delimiters. */
const ALPHABET = [
  ...['a', 'a', 'a', 'b', 'b', '/', '/', '/', '.', '%', ' '],
  ...['é', '\u0000', '\u007f', '\u0080', '\ud7ff', '\ue000', '\uffff', '😀', '\u{10ffff}'],
];

export function runListingContract(getStore: () => MetadataStore): void {
  describe('listObjects', () => {
    let store: MetadataStore;
    beforeEach(() => {
      store = getStore();
    });

    async function fill(name: string, keys: readonly string[]): Promise<void> {
      await store.createBucket(bucket(name));
      for (const key of keys) await store.putObject(inlineObject(name, key, key));
    }

    function query(q: Partial<ListObjectsQuery>): ListObjectsQuery {
      return { bucket: 'l', prefix: '', delimiter: '', after: '', maxKeys: 1000, ...q };
    }

    function expectModel(result: ListObjectsResult, keys: readonly string[], q: ModelQuery): void {
      const model = modelList(keys, q);
      expect({
        keys: result.objects.map((o) => o.key),
        commonPrefixes: result.commonPrefixes,
        isTruncated: result.isTruncated,
        nextAfter: result.nextAfter,
      }).toEqual({ ...model, nextAfter: model.nextAfter });
    }

    /** Pages through a listing; every entry must come exactly once, in order. */
    async function listAll(q: ListObjectsQuery): Promise<{ keys: string[]; commonPrefixes: string[] }> {
      const keys: string[] = [];
      const commonPrefixes: string[] = [];
      let after = q.after;
      for (let page = 0; page < 10_000; page++) {
        const r = await store.listObjects({ ...q, after });
        expect(r.objects.length + r.commonPrefixes.length).toBeLessThanOrEqual(q.maxKeys);
        keys.push(...r.objects.map((o) => o.key));
        commonPrefixes.push(...r.commonPrefixes);
        if (!r.isTruncated) return { keys, commonPrefixes };
        expect(r.nextAfter).toBeDefined();
        after = r.nextAfter!;
      }
      throw new Error('listing did not terminate');
    }

    it('lists keys in UTF-8 byte order with their summaries', async () => {
      await fill('l', ODD_KEYS);
      const r = await store.listObjects(query({}));
      expect(r.objects.map((o) => o.key)).toEqual([...ODD_KEYS].sort(byteOrder));
      expect(r.isTruncated).toBe(false);
      expect(r.nextAfter).toBeUndefined();
      const a = r.objects.find((o) => o.key === 'a/b')!;
      expect(a).toEqual({
        key: 'a/b',
        size: 3,
        etag: '5d41402abc4b2a76b9719d911017c592',
        lastModified: 1_700_000_000_500,
      });
      // UTF-8 order differs from JavaScript's UTF-16 order here.
      expect(r.objects.findIndex((o) => o.key === '\uffff')).toBeLessThan(
        r.objects.findIndex((o) => o.key === '😀😀'),
      );
    });

    it('rolls up common prefixes as in the S3 documentation example', async () => {
      await fill('l', [
        'sample.jpg',
        'photos/2006/January/sample.jpg',
        'photos/2006/February/sample2.jpg',
        'photos/2006/February/sample3.jpg',
        'photos/2006/February/sample4.jpg',
        'photos/2006/index.html',
      ]);
      const top = await store.listObjects(query({ delimiter: '/' }));
      expect(top.objects.map((o) => o.key)).toEqual(['sample.jpg']);
      expect(top.commonPrefixes).toEqual(['photos/']);
      const year = await store.listObjects(query({ prefix: 'photos/2006/', delimiter: '/' }));
      expect(year.objects.map((o) => o.key)).toEqual(['photos/2006/index.html']);
      expect(year.commonPrefixes).toEqual(['photos/2006/February/', 'photos/2006/January/']);
    });

    it('supports multi-character and non-ASCII delimiters', async () => {
      await fill('l', ODD_KEYS);
      for (const delimiter of DELIMITERS) {
        for (const prefix of ['', 'a', 'a/', 'é', '😀']) {
          expectModel(await store.listObjects(query({ prefix, delimiter })), ODD_KEYS, {
            prefix,
            delimiter,
            after: '',
            maxKeys: 1000,
          });
        }
      }
      const r = await store.listObjects(query({ delimiter: '//' }));
      expect(r.commonPrefixes).toEqual(['a//']);
    });

    it('starts strictly after `after`, skipping the common prefix that `after` lies in', async () => {
      await fill('l', ['a/1', 'a/2', 'b', 'c/1', 'd']);
      const q = query({ delimiter: '/' });
      expect((await store.listObjects({ ...q, after: 'b' })).commonPrefixes).toEqual(['c/']);
      const inside = await store.listObjects({ ...q, after: 'a/1' });
      expect(inside.commonPrefixes).toEqual(['c/']);
      expect(inside.objects.map((o) => o.key)).toEqual(['b', 'd']);
      expect((await store.listObjects({ ...q, after: 'a/' })).objects.map((o) => o.key)).toEqual(['b', 'd']);
      expect((await store.listObjects({ ...q, after: 'a' })).commonPrefixes).toEqual(['a/', 'c/']);
      expect((await store.listObjects({ ...q, after: 'zzz' })).objects).toEqual([]);
      expect((await store.listObjects({ ...q, prefix: 'c/', after: 'a' })).objects.map((o) => o.key)).toEqual(
        ['c/1'],
      );
    });

    it('returns nothing, not truncated, for maxKeys 0', async () => {
      await fill('l', ['a', 'b/c']);
      const r = await store.listObjects(query({ maxKeys: 0, delimiter: '/' }));
      expect(r).toEqual({ objects: [], commonPrefixes: [], isTruncated: false });
    });

    it('counts objects and common prefixes together toward maxKeys', async () => {
      await fill('l', ['a', 'b/1', 'b/2', 'c', 'd/1', 'e']);
      const r = await store.listObjects(query({ delimiter: '/', maxKeys: 3 }));
      expect(r.objects.map((o) => o.key)).toEqual(['a', 'c']);
      expect(r.commonPrefixes).toEqual(['b/']);
      expect(r.isTruncated).toBe(true);
      expect(r.nextAfter).toBe('c');
      const next = await store.listObjects(query({ delimiter: '/', maxKeys: 1, after: 'c' }));
      expect(next).toMatchObject({ commonPrefixes: ['d/'], isTruncated: true, nextAfter: 'd/' });
      const last = await store.listObjects(query({ delimiter: '/', maxKeys: 1, after: 'd/' }));
      expect(last).toMatchObject({ commonPrefixes: [], isTruncated: false });
      expect(last.objects.map((o) => o.key)).toEqual(['e']);
    });

    it('reaches every entry exactly once through continuation', async () => {
      await fill('l', ODD_KEYS);
      for (const delimiter of DELIMITERS) {
        for (const prefix of ['', 'a', 'a/']) {
          const full = modelList(ODD_KEYS, { prefix, delimiter, after: '', maxKeys: 10_000 });
          for (const maxKeys of [1, 2, 3, 7]) {
            const paged = await listAll(query({ prefix, delimiter, maxKeys }));
            expect(paged).toEqual({ keys: full.keys, commonPrefixes: full.commonPrefixes });
          }
        }
      }
    });

    it('matches a naive model of S3 listing on random keys (property, time-boxed)', async () => {
      const char = fc.constantFrom(...ALPHABET);
      const text = (max: number) => fc.array(char, { maxLength: max }).map((cs) => cs.join(''));
      const keys = fc.uniqueArray(
        text(6).filter((k) => k !== ''),
        { minLength: 1, maxLength: 25 },
      );
      const bound = fc.record({ free: text(3), fromKey: fc.nat(), length: fc.nat(6), derived: fc.boolean() });
      const queries = fc.array(
        fc.record({
          prefix: bound,
          after: bound,
          delimiter: fc.constantFrom(...DELIMITERS),
          maxKeys: fc.nat(8),
        }),
        { minLength: 1, maxLength: 8 },
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(keys, queries, async (keySet, qs) => {
          const name = `p${run++}`;
          await fill(name, keySet);
          const pick = (b: { free: string; fromKey: number; length: number; derived: boolean }) =>
            b.derived
              ? Array.from(keySet[b.fromKey % keySet.length]!)
                  .slice(0, b.length)
                  .join('')
              : b.free;
          for (const spec of qs) {
            const q = { prefix: pick(spec.prefix), delimiter: spec.delimiter, after: pick(spec.after) };
            const modelQuery = { ...q, maxKeys: spec.maxKeys };
            expectModel(await store.listObjects({ bucket: name, ...modelQuery }), keySet, modelQuery);
            if (spec.maxKeys > 0) {
              const paged = await listAll({ bucket: name, ...modelQuery });
              const full = modelList(keySet, { ...q, maxKeys: 10_000 });
              expect(paged).toEqual({ keys: full.keys, commonPrefixes: full.commonPrefixes });
            }
          }
        }),
        { numRuns: 2_000, interruptAfterTimeLimit: 4_000 },
      );
      expect(run).toBeGreaterThan(0);
    });
  });
}
