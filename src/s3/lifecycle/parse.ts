import { randomUUID } from 'node:crypto';
import { TesseraError } from '../../core/index.js';
import {
  type LifecycleConfiguration,
  type LifecycleRule,
  type RuleScope,
  scopeUsesSizes,
  scopeUsesTags,
  TRANSITION_MINIMUM_SIZES,
  type TransitionMinimumSize,
} from './model.js';
import {
  parseExpiration,
  parseNoncurrentExpiration,
  parseNoncurrentTransition,
  parseTransition,
  positive,
} from './parse-actions.js';
import { parseFilter } from './parse-filter.js';
import { element, type Fields, int, malformed, repeated, single, text } from './xml-read.js';

/** "A lifecycle configuration can have up to 1,000 rules. This limit is not adjustable." */
export const MAX_RULES = 1000;
/** "ID … The value cannot be longer than 255 characters." */
export const MAX_ID = 255;

const RULE_FIELDS = [
  'ID',
  'Status',
  'Prefix',
  'Filter',
  'Expiration',
  'Transition',
  'NoncurrentVersionTransition',
  'NoncurrentVersionExpiration',
  'AbortIncompleteMultipartUpload',
] as const;

const arg = (message: string) => new TesseraError('InvalidArgument', message);
const req = (message: string) => new TesseraError('InvalidRequest', message);

/** S3's rule IDs when none is given: base64 of a random UUID's text (48 characters). */
export function generateRuleId(): string {
  return Buffer.from(randomUUID()).toString('base64');
}

function parseScope(f: Fields, v2: boolean): RuleScope {
  const prefix = text(f, 'Prefix');
  const filter = single(f, 'Filter');
  if (prefix === undefined && filter === undefined) throw malformed();
  if (v2 && prefix !== undefined)
    throw req('Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.');
  if (!v2 && filter !== undefined) throw req('Filter element can only be used in Lifecycle V2.');
  return v2 ? { kind: 'filter', filter: parseFilter(filter) } : { kind: 'prefix', prefix: prefix! };
}

/** Transitions and expiration of one rule together: S3's cross-checks. */
function checkTimeline(rule: LifecycleRule): void {
  const seen = new Set<string>();
  for (const t of rule.transitions) {
    if (seen.has(t.storageClass))
      throw req("'StorageClass' must be different for 'Transition' actions in same 'Rule'");
    seen.add(t.storageClass);
  }
  const kinds = new Set(rule.transitions.map((t) => t.when.kind));
  const e = rule.expiration;
  if (e?.kind === 'days' || e?.kind === 'date') kinds.add(e.kind);
  if (kinds.size > 1)
    throw req("Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule");
  const noncurrent = new Set<string>();
  for (const t of rule.noncurrentTransitions) {
    if (noncurrent.has(t.storageClass))
      throw req("'StorageClass' must be different for 'NoncurrentVersionTransition' actions in same 'Rule'");
    noncurrent.add(t.storageClass);
  }
}

function parseRule(value: unknown, v2: boolean): Omit<LifecycleRule, 'id'> & { id?: string } {
  const f = element(value, RULE_FIELDS);
  const status = text(f, 'Status')?.trim();
  if (status !== 'Enabled' && status !== 'Disabled') throw malformed();
  const scope = parseScope(f, v2);
  const expirationXml = single(f, 'Expiration');
  const noncurrentXml = single(f, 'NoncurrentVersionExpiration');
  const abortXml = single(f, 'AbortIncompleteMultipartUpload');
  const transitionsXml = repeated(f, 'Transition');
  const noncurrentTransitionsXml = repeated(f, 'NoncurrentVersionTransition');
  if (
    expirationXml === undefined &&
    noncurrentXml === undefined &&
    abortXml === undefined &&
    transitionsXml.length === 0 &&
    noncurrentTransitionsXml.length === 0
  )
    throw req('At least one action needs to be specified in a rule');
  const rule: Omit<LifecycleRule, 'id'> & { id?: string } = {
    enabled: status === 'Enabled',
    scope,
    transitions: transitionsXml.map(parseTransition),
    noncurrentTransitions: noncurrentTransitionsXml.map((t) => parseNoncurrentTransition(t, v2)),
  };
  if (expirationXml !== undefined) rule.expiration = parseExpiration(expirationXml);
  if (noncurrentXml !== undefined) rule.noncurrentExpiration = parseNoncurrentExpiration(noncurrentXml, v2);
  if (abortXml !== undefined) {
    const days = int(element(abortXml, ['DaysAfterInitiation']), 'DaysAfterInitiation');
    rule.abortAfterDays = positive(
      days,
      "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer",
    );
  }
  const tags = scopeUsesTags(scope);
  const sizes = scopeUsesSizes(scope);
  if (rule.expiration?.kind === 'deleteMarker') {
    if (tags) throw req('ExpiredObjectDeleteMarker cannot be specified with Tags.');
    if (sizes) throw req('ExpiredObjectDeleteMarker cannot be specified with Object Size.');
  }
  if (rule.abortAfterDays !== undefined) {
    if (tags) throw req('AbortIncompleteMultipartUpload cannot be specified with Tags.');
    if (sizes) throw req('AbortIncompleteMultipartUpload cannot be specified with Object Size.');
  }
  checkTimeline(rule as LifecycleRule);
  return rule;
}

/** Lifecycle V1 (rule-level Prefix): no two rules whose prefixes overlap may take the same action. */
function checkOverlaps(rules: Omit<LifecycleRule, 'id'>[]): void {
  const kinds: [string, (r: Omit<LifecycleRule, 'id'>) => boolean][] = [
    ['Expiration', (r) => r.expiration !== undefined],
    ['Transition', (r) => r.transitions.length > 0],
    ['NoncurrentVersionTransition', (r) => r.noncurrentTransitions.length > 0],
    ['NoncurrentVersionExpiration', (r) => r.noncurrentExpiration !== undefined],
    ['AbortIncompleteMultipartUpload', (r) => r.abortAfterDays !== undefined],
  ];
  for (const [kind, takes] of kinds) {
    const prefixes = rules
      .filter(takes)
      .map((r) => (r.scope.kind === 'prefix' ? r.scope.prefix : ''))
      .sort();
    for (let i = 1; i < prefixes.length; i++) {
      if (prefixes[i]!.startsWith(prefixes[i - 1]!))
        throw req(
          `Found overlapping prefixes '${prefixes[i - 1]}' and '${prefixes[i]}' for same action type '${kind}'`,
        );
    }
  }
}

/** x-amz-transition-default-minimum-object-size of a Put (absent: AWS's default). */
export function parseTransitionMinimum(header: string | undefined): TransitionMinimumSize {
  if (header === undefined) return 'all_storage_classes_128K';
  if ((TRANSITION_MINIMUM_SIZES as readonly string[]).includes(header))
    return header as TransitionMinimumSize;
  throw req('Invalid TransitionDefaultMinimumObjectSize found');
}

/**
 * Reads and checks a <LifecycleConfiguration> document (its root's children, as parseXml gives
 * them) as S3 does: the number of rules, then the IDs, then each rule in order, then (Lifecycle
 * V1) overlapping prefixes. The first fault is the answer. Rules without an ID get one.
 */
export function parseLifecycle(
  doc: Record<string, unknown>,
  transitionMinimumSize: TransitionMinimumSize = 'all_storage_classes_128K',
  newId: () => string = generateRuleId,
): LifecycleConfiguration {
  const root = element(doc, ['Rule']);
  const rulesXml = repeated(root, 'Rule');
  if (rulesXml.length === 0) throw malformed();
  if (rulesXml.length > MAX_RULES)
    throw req('The number of lifecycle rules must not exceed the allowed limit of 1000 rules.');
  const ids = rulesXml.map((r) => {
    const id = text(element(r, RULE_FIELDS), 'ID');
    return id === '' ? undefined : id;
  });
  const seen = new Set<string>();
  for (const id of ids) {
    if (id === undefined) continue;
    if (id.length > MAX_ID) throw arg('ID length should not exceed allowed limit of 255');
    if (seen.has(id)) throw arg('Rule ID must be unique. Found same ID for more than one rule');
    seen.add(id);
  }
  // A configuration is "Lifecycle V2" when its first rule has a Filter.
  const v2 = single(element(rulesXml[0], RULE_FIELDS), 'Filter') !== undefined;
  const rules = rulesXml.map((r) => parseRule(r, v2));
  if (!v2) checkOverlaps(rules);
  return {
    rules: rules.map((r, i) => ({ ...r, id: ids[i] ?? newId() })),
    transitionMinimumSize,
  };
}
