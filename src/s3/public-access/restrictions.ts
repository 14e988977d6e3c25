import { Lru } from '../../iam/index.js';
import { parsePolicy } from '../../policy/index.js';
import type { MetadataStore } from '../../storage/index.js';
import { isPublicPolicy } from './is-public.js';
import { readPublicAccessBlock } from './model.js';

type MaybeAsync<T> = T | Promise<T>;

/** What the restriction needs to read: the bucket's public access block and its policy. */
export interface RestrictionSources {
  readonly metadata: Pick<MetadataStore, 'getBucketConfig' | 'getBucket'>;
  readonly bucketPolicies: { get(bucket: string): Promise<{ readonly document: string } | undefined> };
}

interface Entry {
  /** The bucket owner's account while RestrictPublicBuckets holds and the policy is public. */
  readonly owner: string | undefined;
  readonly until: number;
}

/**
 * RestrictPublicBuckets, answered from a bounded cache: "Setting this element to TRUE restricts
 * access to this bucket to only AWS service principals and authorized users within this account
 * if the bucket has a public policy." The authorizer asks it only for buckets that have a policy.
 * This process forgets a bucket as soon as its policy or block changes here; entries live at most
 * `ttlMs` (default 1 s), so a change made by another worker is enforced within that time.
 */
export class PublicBucketRestrictions {
  readonly #entries: Lru<string, Entry>;
  /** Counts forgets: a read that started before one is not cached after it. */
  #version = 0;

  constructor(
    private readonly sources: RestrictionSources,
    private readonly ttlMs = 1000,
    limit = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.#entries = new Lru(limit);
  }

  /**
   * The bucket owner's account when the bucket's policy may grant only to it (RestrictPublicBuckets
   * set and the policy public); undefined when the policy grants as written. Synchronous on a hit.
   */
  ownerIfRestricted(bucket: string): MaybeAsync<string | undefined> {
    const hit = this.#entries.get(bucket);
    if (hit !== undefined && hit.until > this.now()) return hit.owner;
    return this.#load(bucket);
  }

  /** Drops what is known of a bucket (its policy or public access block changed). */
  forget(bucket: string): void {
    this.#version++;
    this.#entries.delete(bucket);
  }

  async #load(bucket: string): Promise<string | undefined> {
    const until = this.now() + this.ttlMs;
    const version = this.#version;
    const owner = await this.#read(bucket);
    if (version === this.#version) this.#entries.set(bucket, { owner, until });
    return owner;
  }

  async #read(bucket: string): Promise<string | undefined> {
    const block = await readPublicAccessBlock(this.sources.metadata, bucket).catch(() => undefined);
    if (block?.RestrictPublicBuckets !== true) return undefined;
    const policy = await this.sources.bucketPolicies.get(bucket);
    if (policy === undefined) return undefined;
    let isPublic: boolean;
    try {
      isPublic = isPublicPolicy(parsePolicy(policy.document, { kind: 'resource', bucket }));
    } catch {
      // A stored policy that no longer parses: restrict (fail closed).
      isPublic = true;
    }
    if (!isPublic) return undefined;
    // The bucket's owning account; a bucket gone meanwhile grants nothing to anyone anyway.
    return (await this.sources.metadata.getBucket(bucket))?.account ?? '';
  }
}

const registry = new WeakMap<object, PublicBucketRestrictions>();

/**
 * The one PublicBucketRestrictions of a metadata store, so the composition root (which hands it
 * to the authorizer) and the handlers (which forget a bucket when they change it) share it.
 */
export function publicBucketRestrictions(sources: RestrictionSources): PublicBucketRestrictions {
  let r = registry.get(sources.metadata);
  if (r === undefined) registry.set(sources.metadata, (r = new PublicBucketRestrictions(sources)));
  return r;
}
