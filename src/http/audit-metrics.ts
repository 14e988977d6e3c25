import { Counter, Gauge, type Registry } from 'prom-client';

/** What an audit target counts (the audit module's TargetStats, by shape). */
export interface AuditTargetCounts {
  readonly queued: number;
  readonly dropped: number;
  readonly written: number;
}

/**
 * MinIO's audit target series (minio_audit_*, label target_id), read from the targets at scrape
 * time: entries waiting, entries lost to a full queue (each also recorded as a `dropped` line),
 * lines delivered.
 */
export function auditGauges(
  read: () => Readonly<Record<string, AuditTargetCounts>>,
  registers: Registry[],
): void {
  const series: [string, string, 'gauge' | 'counter', keyof AuditTargetCounts][] = [
    [
      'minio_audit_target_queue_length',
      'Audit entries waiting to be delivered, by target.',
      'gauge',
      'queued',
    ],
    [
      'minio_audit_failed_messages',
      'Audit entries dropped by a full queue since the start, by target.',
      'counter',
      'dropped',
    ],
    ['minio_audit_total_messages', 'Audit lines delivered since the start, by target.', 'counter', 'written'],
  ];
  for (const [name, help, type, field] of series) {
    const labelNames = ['target_id'] as const;
    if (type === 'gauge') {
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          for (const [target, counts] of Object.entries(read())) this.labels(target).set(counts[field]);
        },
      });
    } else {
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          for (const [target, counts] of Object.entries(read())) this.labels(target).inc(counts[field]);
        },
      });
    }
  }
}
