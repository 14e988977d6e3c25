import cluster from 'node:cluster';
import { AggregatorRegistry, type PrometheusContentType, type Registry } from 'prom-client';
import type { MetricsText } from '../http/index.js';

const REQUEST = 'tessera:cluster-metrics';
const ANSWER = 'tessera:cluster-metrics-answer';
/** Longer than prom-client's own 5 s wait for the workers. */
const WAIT_MS = 8000;

interface Answer {
  type: typeof ANSWER;
  id: number;
  contentType?: string;
  body?: string;
  error?: string;
}

/**
 * The primary's side of /minio/v2/metrics/cluster: a worker asks, the primary gathers every
 * worker's registry with prom-client's AggregatorRegistry (counters and histograms summed,
 * process gauges by their own aggregators) and answers the worker that asked.
 */
export function answerClusterMetrics(): void {
  let aggregator: AggregatorRegistry<PrometheusContentType> | undefined;
  cluster.on('message', (worker, msg: { type?: string; id?: number } | null) => {
    if (msg?.type !== REQUEST || typeof msg.id !== 'number') return;
    const id = msg.id;
    aggregator ??= new AggregatorRegistry<PrometheusContentType>();
    const registry = aggregator;
    const reply = (answer: Omit<Answer, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: ANSWER, id, ...answer });
    };
    registry.clusterMetrics().then(
      (body: string) => reply({ contentType: registry.contentType, body }),
      (e: unknown) => reply({ error: e instanceof Error ? e.message : String(e) }),
    );
  });
}

/**
 * The worker's side: its registry answers the primary's gathering, and the returned function
 * asks the primary for the aggregate. In a process that is not a cluster worker
 * (TESSERA_WORKERS=0) the cluster is this process: its own registry.
 */
export function clusterMetricsSource(registry: Registry): () => Promise<MetricsText> {
  if (!cluster.isWorker || process.send === undefined) {
    return async () => ({ contentType: registry.contentType, body: await registry.metrics() });
  }
  AggregatorRegistry.setRegistries(registry);
  // Constructing one installs prom-client's listener for the primary's requests in this worker.
  new AggregatorRegistry();
  const pending = new Map<number, (answer: Answer | undefined) => void>();
  let next = 0;
  process.on('message', (msg: Answer | null) => {
    if (msg?.type === ANSWER) pending.get(msg.id)?.(msg);
  });
  return () =>
    new Promise<MetricsText>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => pending.get(id)?.(undefined), WAIT_MS);
      pending.set(id, (answer) => {
        clearTimeout(timer);
        pending.delete(id);
        if (answer?.body !== undefined && answer.contentType !== undefined)
          resolve({ contentType: answer.contentType, body: answer.body });
        else reject(new Error(`cluster metrics: ${answer?.error ?? 'the primary did not answer'}`));
      });
      process.send?.({ type: REQUEST, id });
    });
}
