import {
  type Checksum,
  type ChecksumAlgorithm,
  checksumAlgorithmOfHeader,
  createChecksum,
  decodeChecksum,
  TesseraError,
} from '../../core/index.js';

/** Bounds on the trailer section: lines and total bytes. */
export const MAX_TRAILER_LINES = 16;
export const MAX_TRAILER_BYTES = 16 * 1024;
export const TRAILER_SIGNATURE = 'x-amz-trailer-signature';

/** Running checksums of the decoded payload for each announced x-amz-checksum-* trailer. */
export class TrailerChecksums {
  private readonly running: { name: string; alg: ChecksumAlgorithm; checksum: Checksum }[] = [];

  constructor(announced: readonly string[]) {
    for (const name of announced) {
      const alg = checksumAlgorithmOfHeader(name);
      if (alg === undefined) throw new TesseraError('InvalidArgument', `Unsupported trailer ${name}.`);
      this.running.push({ name: name.toLowerCase(), alg, checksum: createChecksum(alg) });
    }
  }

  /** Whether a trailer line with this (lower-case) name was announced. */
  announced(name: string): boolean {
    return this.running.some((r) => r.name === name);
  }

  update(data: Uint8Array): void {
    for (const r of this.running) r.checksum.update(data);
  }

  /**
   * Compares every announced checksum with the received trailer values. A missing trailer is
   * IncompleteBody, a malformed value InvalidDigest, a wrong value BadDigest.
   */
  verify(received: ReadonlyMap<string, string>): void {
    for (const r of this.running) {
      const value = received.get(r.name);
      if (value === undefined) throw new TesseraError('IncompleteBody', `The trailer ${r.name} is missing.`);
      const expected = decodeChecksum(r.alg, value);
      if (!r.checksum.digest().equals(expected)) {
        throw new TesseraError(
          'BadDigest',
          `The ${r.alg} you specified did not match the calculated checksum.`,
        );
      }
    }
  }
}

/** Splits a trailer line `name:value` (name lower-cased, both trimmed); throws IncompleteBody when malformed. */
export function parseTrailerLine(line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon <= 0) throw new TesseraError('IncompleteBody', 'Malformed trailer in the aws-chunked body.');
  return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
}
