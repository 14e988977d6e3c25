import { spawnSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { createServer } from 'node:net';
import { cpus } from 'node:os';

/** Root credentials the harness gives the server it starts (and the verifying reference). */
export const ROOT_USER = 'tessera-bench-root';
export const ROOT_PASSWORD = 'tessera-bench-secret-0123456789';
export const REGION = 'us-east-1';
/** Objects read by the GET and HEAD benchmarks. */
export const BUCKET = 'bench';
/** Only the listing fixture (folders × keys), so that the listings see nothing else. */
export const LIST_BUCKET = 'bench-list';
/** Where the PUT benchmarks write, so that they change nothing the others read. */
export const PUT_BUCKET = 'bench-put';

/** Object keys every server answers for (the reference servers serve them from memory). */
export const KEYS = {
  small: 'obj-1k',
  medium: 'obj-1m',
  large: 'obj-256m',
} as const;

export const KiB = 1024;
export const MiB = 1024 * 1024;

/**
 * Deterministic pseudo-random bytes (AES-128-CTR keystream of a fixed key), so the harness and
 * the reference servers produce the same object contents without passing them around.
 */
export function fixtureBytes(size: number, seed = 1): Buffer {
  const key = Buffer.alloc(16, seed);
  const iv = Buffer.alloc(16, 0);
  return createCipheriv('aes-128-ctr', key, iv).update(Buffer.alloc(size));
}

/** A free TCP port on loopback (bound and released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A deadline for Promise.race that does not keep the process alive once the race is won. */
export const deadline = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * CPU placement: with two or more cores the server under test gets core 0 and the load
 * generator the others, so neither steals the other's core. One core (or no taskset): no pinning.
 */
export function cpuPlan(): { server: string | undefined; client: string | undefined } {
  const n = cpus().length;
  const taskset = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
  if (n < 2 || !taskset) return { server: undefined, client: undefined };
  return { server: '0', client: n === 2 ? '1' : `1-${n - 1}` };
}
