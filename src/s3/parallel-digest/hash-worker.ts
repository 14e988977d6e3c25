/**
 * The code of one hash thread. It reads ring slots in place (the SharedArrayBuffer is shared, no
 * bytes are copied to it) and keeps, per upload ("job"), a running MD5, CRC-32 and/or SHA-256:
 *
 * - `{ t: 'slot', job, slot, offset, length, md5, crc32, sha256 }`: adds the slot's bytes to the
 *   MD5 when `md5` and to the CRC-32 when `crc32`; with `sha256: { from, ends }` hashes bytes
 *   [from, length) with SHA-256, and at each relative offset in `ends` the current segment ends:
 *   its digest (hex) is reported and a new segment starts. Answers `{ t: 'slot', job, slot,
 *   digests }` once the slot may be reused.
 * - `{ t: 'end', job }`: answers `{ t: 'end', job, digest, crc32 }`: the MD5 (hex) and CRC-32.
 * - `{ t: 'drop', job }`: forgets the job (the upload failed).
 * - `{ t: 'crash' }`: throws (tests: a failing hash thread must fail its uploads cleanly).
 */
export interface SlotMessage {
  t: 'slot';
  job: number;
  slot: number;
  offset: number;
  length: number;
  md5: boolean;
  crc32: boolean;
  sha256?: { from: number; ends: number[] } | undefined;
}
export type ToWorker = SlotMessage | { t: 'end'; job: number } | { t: 'drop'; job: number } | { t: 'crash' };
export type FromWorker =
  | { t: 'slot'; job: number; slot: number; digests: string[] }
  | { t: 'end'; job: number; digest: string; crc32: number };

/** Runs inside the worker; self-contained because it is shipped as source text (see below). */
function hashThreadMain(): void {
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const { crc32 } = require('node:zlib') as typeof import('node:zlib');
  type Hash = import('node:crypto').Hash;
  const bytes = new Uint8Array((workerData as { ring: SharedArrayBuffer }).ring);
  const jobs = new Map<number, { md5: Hash | undefined; sha256: Hash | undefined; crc32: number }>();
  const port = parentPort!;
  port.on('message', (m: ToWorker) => {
    switch (m.t) {
      case 'slot': {
        let job = jobs.get(m.job);
        if (!job) jobs.set(m.job, (job = { md5: undefined, sha256: undefined, crc32: 0 }));
        const span = bytes.subarray(m.offset, m.offset + m.length);
        if (m.md5) (job.md5 ??= createHash('md5')).update(span);
        if (m.crc32) job.crc32 = crc32(span, job.crc32);
        const digests: string[] = [];
        if (m.sha256) {
          let hash = job.sha256 ?? createHash('sha256');
          let at = m.sha256.from;
          for (const end of m.sha256.ends) {
            if (end > at) hash.update(bytes.subarray(m.offset + at, m.offset + end));
            digests.push(hash.digest('hex'));
            hash = createHash('sha256');
            at = Math.max(at, end);
          }
          if (m.length > at) hash.update(bytes.subarray(m.offset + at, m.offset + m.length));
          job.sha256 = hash;
        }
        port.postMessage({ t: 'slot', job: m.job, slot: m.slot, digests });
        break;
      }
      case 'end': {
        const job = jobs.get(m.job);
        const digest = (job?.md5 ?? createHash('md5')).digest('hex');
        jobs.delete(m.job);
        port.postMessage({ t: 'end', job: m.job, digest, crc32: job?.crc32 ?? 0 });
        break;
      }
      case 'drop':
        jobs.delete(m.job);
        break;
      case 'crash':
        throw new Error('hash thread crash requested');
    }
  });
}

/**
 * Source text for `new Worker(…, { eval: true })`: no separate entry file, so the same code runs
 * from dist/ and under the test runner (which cannot start a .ts file as a worker).
 */
export const HASH_THREAD_SOURCE = `(${hashThreadMain.toString()})();`;
