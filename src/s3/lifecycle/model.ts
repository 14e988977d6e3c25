import type { Tag } from '../../storage/index.js';

/**
 * A bucket's lifecycle configuration as PutBucketLifecycleConfiguration accepted it: checked,
 * every rule with an ID, and in the form each rule was written (GetBucketLifecycleConfiguration
 * gives it back that way). Plain data: the store keeps it as JSON (serializeLifecycle).
 */
export interface LifecycleConfiguration {
  rules: LifecycleRule[];
  /** x-amz-transition-default-minimum-object-size; AWS's default is all_storage_classes_128K. */
  transitionMinimumSize: TransitionMinimumSize;
}

export const TRANSITION_MINIMUM_SIZES = ['all_storage_classes_128K', 'varies_by_storage_class'] as const;
export type TransitionMinimumSize = (typeof TRANSITION_MINIMUM_SIZES)[number];

/**
 * The classes a Transition may name (AWS's TransitionStorageClass). Tessera keeps every object in
 * one class: transitions are stored and given back, never acted on.
 */
export const TRANSITION_STORAGE_CLASSES = [
  'GLACIER',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
] as const;
export type TransitionStorageClass = (typeof TRANSITION_STORAGE_CLASSES)[number];

export interface LifecycleRule {
  /** The ID given, or one S3-style generated (base64 of a UUID). At most 255 characters. */
  id: string;
  /** Status Enabled; a Disabled rule takes no action. */
  enabled: boolean;
  scope: RuleScope;
  expiration?: Expiration;
  transitions: Transition[];
  noncurrentTransitions: NoncurrentTransition[];
  noncurrentExpiration?: NoncurrentExpiration;
  /** AbortIncompleteMultipartUpload's DaysAfterInitiation (≥ 1). */
  abortAfterDays?: number;
}

/**
 * Which objects a rule applies to: the rule's own (deprecated, "Lifecycle V1") Prefix, or a
 * Filter. A configuration uses one form for all its rules, as AWS requires.
 */
export type RuleScope = { kind: 'prefix'; prefix: string } | { kind: 'filter'; filter: LifecycleFilter };

/** A Filter: empty (every object), exactly one predicate, or And of several. */
export type LifecycleFilter =
  | { kind: 'all' }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'tag'; tag: Tag }
  | { kind: 'sizeGreaterThan'; size: number }
  | { kind: 'sizeLessThan'; size: number }
  | { kind: 'and'; and: AndFilter };

export interface AndFilter {
  prefix?: string;
  tags: Tag[];
  sizeGreaterThan?: number;
  sizeLessThan?: number;
}

/** An Expiration: one of Days, Date (a midnight UTC, epoch ms) or ExpiredObjectDeleteMarker. */
export type Expiration =
  | { kind: 'days'; days: number }
  | { kind: 'date'; date: number }
  | { kind: 'deleteMarker'; expired: boolean };

/** A Transition: after Days (≥ 0) or on a Date, to a class. */
export interface Transition {
  when: { kind: 'days'; days: number } | { kind: 'date'; date: number };
  storageClass: TransitionStorageClass;
}

export interface NoncurrentTransition {
  noncurrentDays: number;
  newerNoncurrentVersions?: number;
  storageClass: TransitionStorageClass;
}

export interface NoncurrentExpiration {
  /** Days after a version became noncurrent (≥ 1). */
  noncurrentDays: number;
  /** How many of the newest noncurrent versions are kept whatever their age (≥ 1). */
  newerNoncurrentVersions?: number;
}

/** The rule's filter names tags: it needs the object's tag set to decide. */
export function scopeUsesTags(scope: RuleScope): boolean {
  if (scope.kind === 'prefix') return false;
  const f = scope.filter;
  return f.kind === 'tag' || (f.kind === 'and' && f.and.tags.length > 0);
}

/** The rule's filter names object sizes. */
export function scopeUsesSizes(scope: RuleScope): boolean {
  if (scope.kind === 'prefix') return false;
  const f = scope.filter;
  switch (f.kind) {
    case 'sizeGreaterThan':
    case 'sizeLessThan':
      return true;
    case 'and':
      return f.and.sizeGreaterThan !== undefined || f.and.sizeLessThan !== undefined;
    default:
      return false;
  }
}

const FORMAT = 1;

/** The stored form: JSON of the model with a format number. */
export function serializeLifecycle(config: LifecycleConfiguration): string {
  return JSON.stringify({ format: FORMAT, ...config });
}

/** Reads what serializeLifecycle wrote. */
export function deserializeLifecycle(document: string): LifecycleConfiguration {
  const parsed = JSON.parse(document) as { format?: number } & LifecycleConfiguration;
  if (parsed.format !== FORMAT || !Array.isArray(parsed.rules))
    throw new Error(`unknown lifecycle configuration format ${String(parsed.format)}`);
  return { rules: parsed.rules, transitionMinimumSize: parsed.transitionMinimumSize };
}
