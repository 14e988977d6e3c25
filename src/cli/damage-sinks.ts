import type { RequestMetrics } from '../http/index.js';
import type { DamageReport, DamageSink } from '../s3/index.js';

/** One log line per finding: bucket, key, version (or upload part) and blob (docs/operations.md). */
export function damageLine(d: DamageReport): string {
  const where =
    d.uploadId === undefined
      ? `version ${d.versionId ?? 'null'}`
      : `upload ${d.uploadId} part ${d.partNumber ?? '?'}`;
  return `damaged object ${d.bucket}/${d.key} ${where}: blob ${d.blobId} ${d.kind} (${d.detail})`;
}

/**
 * Where damage goes: the log, and `tessera_damaged_objects_total{kind,source}` once the metrics
 * exist (`countWith`). `read`: found while serving a request; `scan`: by tessera admin scan.
 */
export function damageSinks(log: (message: string) => void): {
  read: DamageSink;
  scan: DamageSink;
  countWith(metrics: Pick<RequestMetrics, 'damaged'>): void;
} {
  let metrics: Pick<RequestMetrics, 'damaged'> | undefined;
  return {
    read: (d) => {
      log(damageLine(d));
      metrics?.damaged(d.kind, 'read');
    },
    scan: (d) => {
      log(damageLine(d));
      metrics?.damaged(d.kind, 'scan');
    },
    countWith: (m) => {
      metrics = m;
    },
  };
}
