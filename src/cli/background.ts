import { type LifecycleAction, LifecycleScanner } from '../s3/index.js';
import { LeaseKeeper, openStorage, type Storage } from '../storage/index.js';
import { storageConfig } from './compose.js';
import type { ServerConfig } from './config.js';
import { createLog } from './log.js';

/**
 * The server's background work, run by the primary process: the lifecycle scanner and, in
 * shared mode, the collection of orphaned blobs — each under a cluster lease there, so that one
 * server of the cluster does it (docs/shared-mode.md).
 */

/** A lifecycle action as a request-log line (TESSERA_LOG_REQUESTS), as AWS's access log names it. */
function lifecycleEvent(a: LifecycleAction): string {
  const { operation, action, ruleId, time, ...target } = a;
  const line = { version: 1, time: new Date(time).toISOString(), api: operation, ...target };
  return `${JSON.stringify({ ...line, lifecycle: { action, ruleId } })}\n`;
}

/** Default lifetime of the background-work leases in shared mode (TESSERA_LEASE_TTL). */
const LEASE_TTL_MS = 30_000;
/**
 * Shared mode: how often the blob-gc lease holder collects orphans, and how old they must be
 * (TESSERA_BLOB_GC_INTERVAL, TESSERA_BLOB_GC_GRACE change them).
 */
const ORPHAN_INTERVAL_MS = 10 * 60_000;
const ORPHAN_GRACE_MS = 60 * 60_000;

/**
 * Runs `start` while this process holds the cluster lease `name` (shared mode): `start` returns
 * its stop, called when the lease is lost or on shutdown. Without leases (embedded: one machine)
 * it just runs. Returns the stop of it all.
 */
function underLease(
  config: ServerConfig,
  storage: Storage,
  name: string,
  start: () => () => Promise<void>,
): () => Promise<void> {
  if (storage.leases === undefined) return start();
  const log = createLog(config.logLevel);
  let stopWork: (() => Promise<void>) | undefined;
  let stopping: Promise<void> | undefined;
  const keeper = new LeaseKeeper({
    store: storage.leases,
    name,
    ttlMs: config.metadata?.leaseTtlMs ?? LEASE_TTL_MS,
    onAcquired: () => {
      stopWork = start();
    },
    onLost: () => {
      const stop = stopWork;
      stopWork = undefined;
      stopping = stop?.().catch((e) => log(`stopping the ${name} job failed`, e));
    },
    onError: (e) => log(`the ${name} lease could not be renewed`, e),
  });
  keeper.start();
  return async () => {
    // Stops the work too (onLost) when held; then waits for it.
    await keeper.stop();
    await stopping;
  };
}

/**
 * The lifecycle scanner (docs/lifecycle.md), with its own storage handle. Run by one process
 * only (the primary) — in shared mode only on the server holding the `lifecycle` lease
 * (docs/shared-mode.md); TESSERA_LIFECYCLE_INTERVAL=0 turns it off. Returns its stop.
 */
export async function startLifecycle(config: ServerConfig): Promise<() => Promise<void>> {
  if (config.lifecycleIntervalMs === 0) return async () => {};
  const log = createLog(config.logLevel);
  const storage = await openStorage(storageConfig(config));
  // A scanner cannot restart once stopped: a new one each time the lease is taken.
  const stopScanning = underLease(config, storage, 'lifecycle', () => {
    const scanner = new LifecycleScanner({
      stores: storage,
      intervalMs: config.lifecycleIntervalMs,
      dayMs: config.lifecycleDayMs,
      ...(config.staleUploadMs > 0 ? { staleUploadMs: config.staleUploadMs } : {}),
      onError: (e, bucket) => log(`lifecycle pass failed${bucket === '' ? '' : ` for bucket ${bucket}`}`, e),
      ...(config.logRequests
        ? { onAction: (a: LifecycleAction) => void process.stdout.write(lifecycleEvent(a)) }
        : {}),
    });
    scanner.start();
    return () => scanner.stop();
  });
  return async () => {
    await stopScanning();
    await storage.close();
  };
}

/**
 * Shared mode's collection of orphaned blobs and temporary files (docs/shared-mode.md): on the
 * holder of the `blob-gc` lease, a pass soon after taking it and then every 10 minutes, removing
 * only files older than an hour (TESSERA_BLOB_GC_INTERVAL and _GRACE change both). Embedded mode
 * collects at start-up instead (recover). Returns its stop.
 */
export async function startBlobCollection(config: ServerConfig): Promise<() => Promise<void>> {
  if (config.metadata === undefined) return async () => {};
  const log = createLog(config.logLevel);
  const storage = await openStorage(storageConfig(config));
  const collect = storage.collectOrphans?.bind(storage);
  if (collect === undefined) {
    await storage.close();
    return async () => {};
  }
  const graceMs = config.metadata.blobGcGraceMs ?? ORPHAN_GRACE_MS;
  const intervalMs = config.metadata.blobGcIntervalMs ?? ORPHAN_INTERVAL_MS;
  const stopCollecting = underLease(config, storage, 'blob-gc', () => {
    let running: Promise<void> | undefined;
    const pass = () => {
      running ??= collect(graceMs)
        .then((removed) => {
          if (removed > 0)
            process.stdout.write(
              `Removed ${removed} unreferenced file(s) older than ${Math.round(graceMs / 1000)} s.\n`,
            );
        })
        .catch((e) => log('blob collection failed', e))
        .finally(() => {
          running = undefined;
        });
    };
    const first = setTimeout(pass, 1000);
    const timer = setInterval(pass, intervalMs);
    first.unref();
    timer.unref();
    return async () => {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    };
  });
  return async () => {
    await stopCollecting();
    await storage.close();
  };
}
