import { Counter, type Registry } from 'prom-client';

/** What the access-management plugin client counts (iam's PolicyPluginStats, by shape). */
export interface PolicyPluginCounts {
  /** Questions sent to the plugin, by verdict (allow, deny, unreachable, timeout, invalid). */
  readonly requests: Readonly<Record<string, number>>;
  /** Questions answered from the decision cache. */
  readonly cacheHits: number;
}

/**
 * The access-management plugin's series (docs/metrics.md), read from the client at scrape time:
 * `tessera_policy_plugin_requests_total{outcome}` — a failure (unreachable, timeout, invalid) is a
 * request that was denied because of it — and `tessera_policy_plugin_cache_hits_total`.
 */
export function policyPluginCounters(read: () => PolicyPluginCounts, registers: Registry[]): void {
  new Counter({
    name: 'tessera_policy_plugin_requests_total',
    help: 'Questions sent to the access-management plugin, by outcome (allow, deny; unreachable, timeout, invalid: denied, fail closed).',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset();
      for (const [outcome, n] of Object.entries(read().requests)) this.labels(outcome).inc(n);
    },
  });
  new Counter({
    name: 'tessera_policy_plugin_cache_hits_total',
    help: "Authorization questions answered from the access-management plugin's decision cache.",
    registers,
    collect() {
      this.reset();
      this.inc(read().cacheHits);
    },
  });
}
