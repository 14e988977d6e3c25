import cluster from 'node:cluster';
import { loadMasterKey } from '../iam/index.js';
import { openStorage } from '../storage/index.js';
import { startBlobCollection, startLifecycle } from './background.js';
import { answerClusterMetrics } from './cluster-metrics.js';
import { composeServer, storageConfig } from './compose.js';
import { loadServerConfig, type ServerConfig, type ServerFlags } from './config.js';
import { applyEnvFile } from './env-file.js';
import { loadRootCredentials, type RootCredentials } from './root-credentials.js';
import { checkTls } from './tls-config.js';

function endpoint(config: ServerConfig, port: number): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const scheme = config.tls.source === undefined ? 'http' : 'https';
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function announce(config: ServerConfig, root: RootCredentials, port: number): void {
  const lines = [
    `Tessera S3 API: ${endpoint(config, port)}  (data: ${config.dataDir}, region: ${config.region})`,
  ];
  const c = config.console;
  if (c !== undefined) lines.push(`Tessera Console: ${endpoint({ ...config, host: c.host }, c.port)}`);
  if (root.generated) {
    lines.push(
      'WARNING: no TESSERA_ROOT_USER / TESSERA_ROOT_PASSWORD set. Generated root credentials, shown only this once',
      `         and kept in ${config.dataDir}/.tessera/root-credentials.json (mode 0600):`,
      `   RootUser: ${root.accessKey}`,
      `   RootPass: ${root.secretKey}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function recover(config: ServerConfig): Promise<void> {
  // Created once here, before any worker starts (workers then only read it).
  loadMasterKey(config.dataDir);
  const storage = await openStorage(storageConfig(config));
  const removed = await storage.recover();
  if (removed > 0)
    process.stdout.write(`Removed ${removed} unreferenced file(s) left by an interrupted write.\n`);
  await storage.close();
}

async function runWorker(config: ServerConfig, root: RootCredentials): Promise<number> {
  const { server, close, reloadTls, console: consoleListener } = await composeServer(config, root);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  // The web console beside it (docs/console.md): a taken address stops the start with one clear line.
  if (consoleListener !== undefined && config.console !== undefined)
    await consoleListener.listen(config.console.host, config.console.port).catch(async (e: unknown) => {
      await close();
      throw e;
    });
  let stopping = false;
  // Once only, and a second signal does not cut it short (a terminal or systemd signals the whole
  // group, and the primary passes the signal on): close flushes and seals the audit trail.
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // SIGHUP reloads the TLS certificates (docs/tls.md); without HTTPS it keeps its default.
  if (reloadTls !== undefined) process.on('SIGHUP', () => void reloadTls());
  // A worker whose primary died (even by kill -9) must not live on holding the port: it stops
  // listening at once and exits within 2 s.
  if (cluster.isWorker)
    cluster.worker?.on('disconnect', () => {
      stop();
      setTimeout(() => process.exit(0), 2000).unref();
    });
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : config.port;
}

/** `tessera server [DATA_DIR]`: one worker per core on one port, sharing the store. */
export async function serverCommand(dataDir: string | undefined, options: ServerFlags): Promise<void> {
  // A configuration file of environment settings (docs/configuration.md), under the environment.
  applyEnvFile(process.env);
  const flags: ServerFlags = {};
  for (const [k, v] of Object.entries(options) as [keyof ServerFlags, string | undefined][])
    if (v !== undefined && v !== '') flags[k] = v;
  const config = loadServerConfig({ ...flags, ...(dataDir ? { dataDir } : {}) });
  if (cluster.isWorker) {
    const root = loadRootCredentials(config.dataDir);
    const port = await runWorker(config, root);
    process.send?.({ type: 'listening', port });
    return;
  }
  const root = loadRootCredentials(config.dataDir);
  // A bad or mismatched key pair stops the server here, with one clear line, before any worker.
  await checkTls(config.tls);
  await recover(config);
  // One process runs the lifecycle scanner: the primary (with TESSERA_WORKERS=0, the only one).
  const stopLifecycle = await startLifecycle(config);
  // Shared mode: orphaned blobs are collected periodically on the blob-gc lease holder.
  const stopBlobCollection = await startBlobCollection(config);
  if (config.workers === 0) {
    announce(config, root, await runWorker(config, root));
    return;
  }
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  answerClusterMetrics();
  let listening = 0;
  let stopping = false;
  const fork = () => {
    const worker = cluster.fork({ TESSERA_ROOT_USER: root.accessKey, TESSERA_ROOT_PASSWORD: root.secretKey });
    worker.on('message', (msg: { type?: string; port?: number }) => {
      if (msg?.type === 'listening' && ++listening === config.workers)
        announce(config, root, msg.port ?? config.port);
    });
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (listening < config.workers) {
      process.stderr.write(`tessera: a worker failed to start (${signal ?? code})\n`);
      process.exit(1);
    }
    process.stderr.write(`worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    setTimeout(fork, 200);
  });
  const stop = () => {
    stopping = true;
    void stopLifecycle();
    void stopBlobCollection();
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2000).unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // With HTTPS, SIGHUP to the primary reloads every worker's certificates.
  if (config.tls.source !== undefined)
    process.on('SIGHUP', () => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
    });
  for (let i = 0; i < config.workers; i++) fork();
}
