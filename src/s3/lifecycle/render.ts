import { renderXml, type XmlNode } from '../../core/index.js';
import type { Tag } from '../../storage/index.js';
import type { Expiration, LifecycleConfiguration, LifecycleFilter, LifecycleRule } from './model.js';

const tagXml = (t: Tag): XmlNode => ({ Key: t.key, Value: t.value });
const dateXml = (ms: number): string => new Date(ms).toISOString();

function filterXml(f: LifecycleFilter): XmlNode {
  switch (f.kind) {
    case 'all':
      return {};
    case 'prefix':
      return { Prefix: f.prefix };
    case 'tag':
      return { Tag: tagXml(f.tag) };
    case 'sizeGreaterThan':
      return { ObjectSizeGreaterThan: f.size };
    case 'sizeLessThan':
      return { ObjectSizeLessThan: f.size };
    case 'and':
      return {
        And: {
          Prefix: f.and.prefix,
          Tag: f.and.tags.map(tagXml),
          ObjectSizeGreaterThan: f.and.sizeGreaterThan,
          ObjectSizeLessThan: f.and.sizeLessThan,
        },
      };
  }
}

function expirationXml(e: Expiration): XmlNode {
  switch (e.kind) {
    case 'days':
      return { Days: e.days };
    case 'date':
      return { Date: dateXml(e.date) };
    case 'deleteMarker':
      return { ExpiredObjectDeleteMarker: e.expired };
  }
}

function ruleXml(r: LifecycleRule): XmlNode {
  return {
    Expiration: r.expiration && expirationXml(r.expiration),
    ID: r.id,
    ...(r.scope.kind === 'prefix' ? { Prefix: r.scope.prefix } : { Filter: filterXml(r.scope.filter) }),
    Status: r.enabled ? 'Enabled' : 'Disabled',
    Transition: r.transitions.map((t) => ({
      ...(t.when.kind === 'days' ? { Days: t.when.days } : { Date: dateXml(t.when.date) }),
      StorageClass: t.storageClass,
    })),
    NoncurrentVersionTransition: r.noncurrentTransitions.map((t) => ({
      NoncurrentDays: t.noncurrentDays,
      StorageClass: t.storageClass,
      NewerNoncurrentVersions: t.newerNoncurrentVersions,
    })),
    NoncurrentVersionExpiration: r.noncurrentExpiration && {
      NoncurrentDays: r.noncurrentExpiration.noncurrentDays,
      NewerNoncurrentVersions: r.noncurrentExpiration.newerNoncurrentVersions,
    },
    AbortIncompleteMultipartUpload:
      r.abortAfterDays === undefined ? undefined : { DaysAfterInitiation: r.abortAfterDays },
  };
}

/** GetBucketLifecycleConfiguration's answer: <LifecycleConfiguration xmlns="…2006-03-01/">. */
export function renderLifecycle(config: LifecycleConfiguration): string {
  return renderXml('LifecycleConfiguration', { Rule: config.rules.map(ruleXml) });
}
