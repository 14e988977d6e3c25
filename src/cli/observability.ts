import { constants } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import {
  type Api,
  type AuditTargetCounts,
  createHealthApi,
  createMetricsApi,
  type HealthProbe,
  RequestMetrics,
  TrustedProxies,
} from '../http/index.js';
import type { Authorizer, IamService } from '../iam/index.js';
import { type Storage, storagePaths } from '../storage/index.js';
import { clusterMetricsSource } from './cluster-metrics.js';
import type { ServerConfig } from './config.js';

/** A probe whose check's value is ignored. */
function probe(name: string, check: () => Promise<unknown>): HealthProbe {
  return { name, check: async () => void (await check()) };
}

/**
 * The health probes of the embedded storage (docs/metrics.md): `ready` — the metadata store
 * answers a read (one indexed lookup) and the blob folder is there and readable; `writable` —
 * besides, the database, the blob and temporary folders are writable and the file system has
 * room left. (Run as root, access(2) grants writes to read-only files: `writable` then sees
 * missing folders and a full disk only.)
 */
export function healthProbes(
  dataDir: string,
  storage: Pick<Storage, 'metadata'>,
  /** Shared mode: the metadata lives in PostgreSQL (its read probe covers it), no database file. */
  embedded = true,
): { ready: HealthProbe[]; writable: HealthProbe[] } {
  const paths = storagePaths(dataDir);
  const { R_OK, W_OK, X_OK } = constants;
  const ready = [
    probe('metadata', () => storage.metadata.getBucket('tessera-health-probe')),
    probe('blobs', () => access(paths.blobs, R_OK | X_OK)),
  ];
  const writable = [
    ...ready,
    probe('metadata write', () =>
      Promise.all([
        embedded ? access(paths.database, R_OK | W_OK) : undefined,
        access(paths.root, W_OK | X_OK),
      ]),
    ),
    probe('blobs write', () =>
      Promise.all([access(paths.blobs, W_OK | X_OK), access(paths.tmp, W_OK | X_OK)]),
    ),
    probe('disk space', async () => {
      if ((await statfs(paths.root)).bavail <= 0) throw new Error('the file system is full');
    }),
  ];
  return { ready, writable };
}

export interface ObservabilityDeps {
  storage: Pick<Storage, 'metadata'>;
  iam: IamService;
  authorizer: Authorizer;
  log: (message: string, err?: unknown) => void;
  /** The audit targets' counters by target, read at scrape time (absent: no audit target). */
  auditTargets?: () => Readonly<Record<string, AuditTargetCounts>>;
}

/**
 * Health and metrics of one server process: the request metrics (an EventSink for the
 * pipeline's fan-out) and the two front doors that serve them.
 */
export function composeObservability(
  config: ServerConfig,
  d: ObservabilityDeps,
): { metrics: RequestMetrics; apis: { health: Api; metrics: Api } } {
  const metrics = new RequestMetrics({
    iamCache: () => d.iam.cacheStats(),
    ...(d.auditTargets === undefined ? {} : { auditTargets: d.auditTargets }),
  });
  const node = async () => ({
    contentType: metrics.registry.contentType,
    body: await metrics.registry.metrics(),
  });
  return {
    metrics,
    apis: {
      health: createHealthApi({
        ...healthProbes(config.dataDir, d.storage, config.metadata === undefined),
        log: d.log,
      }),
      metrics: createMetricsApi({
        authType: config.prometheusAuthType,
        lookup: d.iam.lookupCredential,
        authorizer: d.authorizer,
        domains: config.domains,
        region: config.region,
        trustedProxies: new TrustedProxies(config.trustedProxies),
        node,
        cluster: clusterMetricsSource(metrics.registry),
      }),
    },
  };
}
