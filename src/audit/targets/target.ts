import type { AuditEvent } from '../entry.js';

/** Counters a target keeps (for metrics: queue depth and drops). */
export interface TargetStats {
  /** Entries waiting to be written. */
  queued: number;
  /** Entries lost to a full queue since the start (each loss is itself recorded as a `dropped` line). */
  dropped: number;
  /** Lines written (entries, checkpoints, dropped lines). */
  written: number;
}

/**
 * Where audit entries go. `write` never waits and never throws: it queues (or counts a drop);
 * `flush` resolves once everything queued so far is durable; `close` flushes and seals the stream.
 */
export interface AuditTarget {
  readonly name: string;
  write(event: AuditEvent): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  stats(): TargetStats;
}
