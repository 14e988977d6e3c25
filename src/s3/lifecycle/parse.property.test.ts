import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXml, isTesseraError, parseXml, TesseraError } from '../../core/index.js';
import type { Expiration, LifecycleConfiguration, LifecycleFilter, LifecycleRule } from './model.js';
import { scopeUsesSizes, scopeUsesTags, TRANSITION_STORAGE_CLASSES } from './model.js';
import { parseLifecycle } from './parse.js';
import { renderLifecycle } from './render.js';

let made = 0;
const reparse = (xml: string) =>
  parseLifecycle(
    parseXml(xml, 'LifecycleConfiguration'),
    'all_storage_classes_128K',
    () => `generated-${++made}`,
  );

const text = fc.string({ maxLength: 12 });
const tag = fc.record({ key: fc.string({ minLength: 1, maxLength: 8 }), value: text });
const size = fc.integer({ min: 1, max: 1_000_000 });
const midnight = fc.integer({ min: 0, max: 40_000 }).map((d) => d * 86_400_000);

const filter: fc.Arbitrary<LifecycleFilter> = fc.oneof(
  fc.constant({ kind: 'all' as const }),
  text.map((prefix) => ({ kind: 'prefix' as const, prefix })),
  tag.map((t) => ({ kind: 'tag' as const, tag: t })),
  size.map((s) => ({ kind: 'sizeGreaterThan' as const, size: s })),
  size.map((s) => ({ kind: 'sizeLessThan' as const, size: s })),
  fc
    .record(
      {
        prefix: text,
        tags: fc.uniqueArray(tag, { selector: (t) => t.key, maxLength: 3 }),
        sizeGreaterThan: fc.integer({ min: 0, max: 100 }),
        sizeLessThan: fc.integer({ min: 101, max: 1000 }),
      },
      { requiredKeys: ['tags'] },
    )
    .filter(
      (a) =>
        (a.prefix === undefined ? 0 : 1) +
          a.tags.length +
          (a.sizeGreaterThan === undefined ? 0 : 1) +
          (a.sizeLessThan === undefined ? 0 : 1) >=
        2,
    )
    .map((and) => ({ kind: 'and' as const, and })),
);

const cls = fc.constantFrom(...TRANSITION_STORAGE_CLASSES);

/** A rule AWS accepts, in Lifecycle V2 form (scope given). */
function ruleWith(scope: LifecycleRule['scope'], id: string): fc.Arbitrary<LifecycleRule> {
  const restricted = scopeUsesTags(scope) || scopeUsesSizes(scope);
  const expiration: fc.Arbitrary<Expiration> = fc.oneof(
    fc.integer({ min: 1, max: 9999 }).map((days) => ({ kind: 'days' as const, days })),
    midnight.map((date) => ({ kind: 'date' as const, date })),
    ...(restricted ? [] : [fc.boolean().map((expired) => ({ kind: 'deleteMarker' as const, expired }))]),
  );
  return fc
    .record({
      enabled: fc.boolean(),
      expiration: fc.option(expiration, { nil: undefined }),
      byDate: fc.boolean(),
      transitionClasses: fc.uniqueArray(cls, { maxLength: 3 }),
      noncurrentClasses: fc.uniqueArray(cls, { maxLength: 2 }),
      noncurrentDays: fc.integer({ min: 1, max: 500 }),
      newer: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
      noncurrent: fc.boolean(),
      abort: fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }),
      seed: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 5, maxLength: 5 }),
    })
    .map((r) => {
      const byDate = r.expiration?.kind === 'date' || (r.expiration?.kind !== 'days' && r.byDate);
      const rule: LifecycleRule = {
        id,
        enabled: r.enabled,
        scope,
        transitions: r.transitionClasses.map((c, i) => ({
          when: byDate
            ? { kind: 'date' as const, date: (r.seed[i] ?? 0) * 86_400_000 }
            : { kind: 'days' as const, days: Math.max(r.seed[i] ?? 0, c.endsWith('_IA') ? 30 : 0) },
          storageClass: c,
        })),
        noncurrentTransitions: r.noncurrentClasses.map((c, i) => ({
          noncurrentDays: Math.max(r.seed[i + 3] ?? 0, c.endsWith('_IA') ? 30 : 0),
          storageClass: c,
        })),
      };
      if (r.expiration) rule.expiration = r.expiration;
      if (
        r.noncurrent ||
        (!r.expiration && rule.transitions.length === 0 && rule.noncurrentTransitions.length === 0)
      )
        rule.noncurrentExpiration =
          r.newer === undefined
            ? { noncurrentDays: r.noncurrentDays }
            : { noncurrentDays: r.noncurrentDays, newerNoncurrentVersions: r.newer };
      if (r.abort !== undefined && !restricted) rule.abortAfterDays = r.abort;
      return rule;
    });
}

const config: fc.Arbitrary<LifecycleConfiguration> = fc
  .array(filter, { minLength: 1, maxLength: 4 })
  .chain((filters) =>
    fc.tuple(...filters.map((f, i) => ruleWith({ kind: 'filter', filter: f }, `rule ${i} <&>`))),
  )
  .map((rules) => ({ rules, transitionMinimumSize: 'all_storage_classes_128K' as const }));

describe('lifecycle parser properties', () => {
  it('every valid configuration renders to XML that parses back to itself', () => {
    fc.assert(
      fc.property(config, (c) => {
        expect(reparse(renderLifecycle(c))).toEqual(c);
      }),
      { numRuns: 300 },
    );
  });

  // Documents built from the schema's own names, nested at random, with random text.
  const NAMES = [
    'Rule',
    'ID',
    'Status',
    'Prefix',
    'Filter',
    'And',
    'Tag',
    'Key',
    'Value',
    'ObjectSizeGreaterThan',
    'ObjectSizeLessThan',
    'Expiration',
    'Days',
    'Date',
    'ExpiredObjectDeleteMarker',
    'Transition',
    'StorageClass',
    'NoncurrentVersionTransition',
    'NoncurrentVersionExpiration',
    'NoncurrentDays',
    'NewerNoncurrentVersions',
    'AbortIncompleteMultipartUpload',
    'DaysAfterInitiation',
  ];
  const leaf = fc.oneof(
    fc.constantFrom(
      'Enabled',
      'Disabled',
      '1',
      '0',
      '-3',
      '30',
      'true',
      'GLACIER',
      'STANDARD',
      '2030-01-01',
      '',
    ),
    fc.string({ maxLength: 6 }),
  );
  const node: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.tuple(fc.constantFrom(...NAMES), leaf).map(([n, t]) => `<${n}>${escapeXml(t)}</${n}>`),
      fc
        .tuple(fc.constantFrom(...NAMES), fc.array(tie('node'), { maxLength: 4 }))
        .map(([n, kids]) => `<${n}>${kids.join('')}</${n}>`),
    ),
  })).node;

  /** A valid document changed in a few places: a leaf's text replaced, a leaf dropped or doubled, an element inserted. */
  const LEAF = /<([A-Za-z]+)>([^<]*)<\/\1>/g;
  const mutation = fc.record({
    op: fc.constantFrom('text', 'drop', 'double', 'insert'),
    at: fc.nat(),
    leaf,
    node,
  });
  const mutated = fc.tuple(config, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([c, ms]) => {
    let xml = renderLifecycle(c);
    for (const m of ms) {
      const leaves = [...xml.matchAll(LEAF)];
      const hit = leaves[m.at % leaves.length]!;
      const start = hit.index;
      const end = start + hit[0].length;
      const replacement =
        m.op === 'text'
          ? `<${hit[1]}>${escapeXml(m.leaf)}</${hit[1]}>`
          : m.op === 'drop'
            ? ''
            : m.op === 'double'
              ? hit[0] + hit[0]
              : hit[0] + m.node;
      xml = xml.slice(0, start) + replacement + xml.slice(end);
    }
    return xml;
  });

  it('any document is either refused with a 400 S3 error or accepted, and then round-trips', () => {
    const codes = new Set<string>();
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          mutated,
          fc
            .array(node, { maxLength: 3 })
            .map((kids) => `<LifecycleConfiguration>${kids.join('')}</LifecycleConfiguration>`),
        ),
        (xml) => {
          let parsed: LifecycleConfiguration;
          try {
            parsed = reparse(xml);
          } catch (e) {
            expect(e).toBeInstanceOf(TesseraError);
            if (isTesseraError(e)) {
              expect(e.status).toBe(400);
              codes.add(e.code);
            }
            return;
          }
          accepted++;
          expect(reparse(renderLifecycle(parsed))).toEqual(parsed);
        },
      ),
      { numRuns: 3000 },
    );
    // The documents reach past the first checks: several kinds of refusal, and some acceptances.
    expect([...codes].sort()).toEqual(
      expect.arrayContaining(['InvalidArgument', 'InvalidRequest', 'MalformedXML']),
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
