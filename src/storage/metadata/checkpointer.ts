import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpoint thread looks for new commits (ms). */
const INTERVAL_MS = 200;

/**
 * The thread's code (an eval worker: nothing to ship beside the compiled modules). Its own
 * connection runs PASSIVE checkpoints (never blocking a writer or a reader) when another
 * connection has committed since the last one (data_version changed). BUSY (another process's
 * checkpoint runs) is left for the next round.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
db.pragma('synchronous = FULL'); // a checkpoint syncs the WAL before and the database after
let seen = -1;
const round = () => {
  try {
    const v = db.pragma('data_version', { simple: true });
    if (v !== seen) { seen = v; db.pragma('wal_checkpoint(PASSIVE)'); }
  } catch {}
};
const timer = setInterval(round, workerData.interval);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Checkpoints the WAL on a thread of its own, so that the event loop never waits for one: a
 * checkpoint fsyncs the WAL, copies its pages into the database and fsyncs that (milliseconds
 * to tens of milliseconds), which SQLite's automatic checkpoint would do inside a commit. The
 * store's connection keeps a far larger automatic checkpoint as a safety net.
 * @example const c = new Checkpointer(file); ...; await c.close();
 */
export class Checkpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;

  constructor(file: string, intervalMs = INTERVAL_MS) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(SOURCE, { eval: true, workerData: { file, driver, interval: intervalMs } });
    this.#worker.unref(); // never keeps a process alive
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', () => resolve());
      this.#worker.once('error', () => resolve()); // a failed thread only leaves the safety net
    });
  }

  /** Stops the thread after it closed its connection. */
  async close(): Promise<void> {
    // Referenced while it closes: a process waiting for nothing else would otherwise exit (code 0)
    // before the thread's exit arrives, cutting short whatever came after close().
    this.#worker.ref();
    this.#worker.postMessage('close');
    await this.#exited;
  }
}
