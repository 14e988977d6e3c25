import pg from 'pg';
import { clientConfig, IAM_CHANNEL, type PgIamPoolOptions } from './pg-iam-db.js';

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * LISTEN on a dedicated connection (outside the pool), reconnecting with backoff when it breaks.
 * @example const stop = listenIamChanges(options, () => feed.poll()); … stop();
 */
export function listenIamChanges(
  options: PgIamPoolOptions,
  onChange: (seq: number | undefined) => void,
  onError: (err: unknown) => void = () => {},
): () => void {
  let stopped = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delay = RETRY_MIN_MS;
  let connectedOnce = false;

  const retry = () => {
    if (stopped || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, RETRY_MAX_MS);
  };

  const connect = async () => {
    const c = new pg.Client(clientConfig(options));
    client = c;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      if (!stopped) onError(err);
      c.end().catch(() => {});
      if (client === c) client = undefined;
      retry();
    };
    c.on('error', fail);
    c.on('end', () => fail(new Error('listener connection ended')));
    c.on('notification', (n) => {
      if (n.channel !== IAM_CHANNEL) return;
      const seq = Number(n.payload);
      onChange(Number.isSafeInteger(seq) ? seq : undefined);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${IAM_CHANNEL}`);
      if (stopped) {
        failed = true;
        await c.end().catch(() => {});
        return;
      }
      delay = RETRY_MIN_MS;
      // After a reconnect, changes may have committed unannounced: poll once.
      if (connectedOnce) onChange(undefined);
      connectedOnce = true;
    } catch (e) {
      fail(e);
    }
  };

  void connect();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const c = client;
    client = undefined;
    c?.removeAllListeners('end');
    c?.end().catch(() => {});
  };
}
