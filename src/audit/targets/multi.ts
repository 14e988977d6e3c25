import type { AuditEvent } from '../entry.js';
import type { AuditTarget, TargetStats } from './target.js';

/**
 * Several targets as one (file + webhooks + NATS): each event goes to every target, each with its
 * own queue and its own stream, so one slow or unreachable target never holds up another.
 * `stats` are the sums; `byTarget` tells them apart.
 */
export class MultiTarget implements AuditTarget {
  readonly name: string;

  constructor(readonly targets: readonly AuditTarget[]) {
    this.name = targets.map((t) => t.name).join('+');
  }

  write(event: AuditEvent): void {
    for (const t of this.targets) {
      try {
        t.write(event);
      } catch {
        /* a target's write never throws; should one, the others still get the event */
      }
    }
  }

  async flush(): Promise<void> {
    await Promise.all(this.targets.map((t) => t.flush()));
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled(this.targets.map((t) => t.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  stats(): TargetStats {
    const sum: TargetStats = { queued: 0, dropped: 0, written: 0 };
    for (const s of this.targets.map((t) => t.stats())) {
      sum.queued += s.queued;
      sum.dropped += s.dropped;
      sum.written += s.written;
    }
    return sum;
  }

  /** Each target's stats, by name. */
  byTarget(): Record<string, TargetStats> {
    return Object.fromEntries(this.targets.map((t) => [t.name, t.stats()]));
  }
}

/** A target's counters by target name: each of a MultiTarget's, or the one target's (for metrics). */
export function statsByTarget(target: AuditTarget): Record<string, TargetStats> {
  return target instanceof MultiTarget ? target.byTarget() : { [target.name]: target.stats() };
}
