/**
 * Combines CRCs of consecutive pieces into the CRC of their concatenation, without the data
 * (zlib's crc32_combine, generalised to any reflected CRC whose init and final xor are all ones:
 * CRC32, CRC32C and CRC64NVME). Multipart uploads use it for full-object checksums.
 */
const REFLECTED_POLY = { CRC32: 0xedb88320n, CRC32C: 0x82f63b78n, CRC64NVME: 0x9a6c9329ac4bc9b5n } as const;
const WIDTH = { CRC32: 32, CRC32C: 32, CRC64NVME: 64 } as const;

export type CombinableCrc = keyof typeof REFLECTED_POLY;

function times(mat: bigint[], vec: bigint): bigint {
  let sum = 0n;
  for (let i = 0; vec !== 0n; i++, vec >>= 1n) if (vec & 1n) sum ^= mat[i]!;
  return sum;
}

function square(out: bigint[], mat: bigint[]): void {
  for (let n = 0; n < mat.length; n++) out[n] = times(mat, mat[n]!);
}

/** crc(A ‖ B) from crc(A), crc(B) and the length of B in bytes. */
export function combineCrc(alg: CombinableCrc, crcA: bigint, crcB: bigint, lengthB: number): bigint {
  if (lengthB <= 0) return crcA;
  const width = WIDTH[alg];
  const odd: bigint[] = [REFLECTED_POLY[alg]];
  for (let n = 1, row = 1n; n < width; n++, row <<= 1n) odd[n] = row;
  const even: bigint[] = new Array<bigint>(width);
  square(even, odd); // operator for two zero bits
  square(odd, even); // four zero bits
  let len = lengthB;
  let crc = crcA;
  // Apply len zero bytes to crcA: each round squares the operator (one byte, two, four, …).
  for (;;) {
    square(even, odd);
    if (len % 2 === 1) crc = times(even, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
    square(odd, even);
    if (len % 2 === 1) crc = times(odd, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
  }
  return crc ^ crcB;
}

/** Combines base64 big-endian CRC values of consecutive parts into the whole object's CRC (base64). */
export function combineCrcBase64(alg: CombinableCrc, parts: { value: string; size: number }[]): string {
  const bytes = WIDTH[alg] / 8;
  let crc: bigint | undefined;
  for (const p of parts) {
    const v = BigInt(`0x${Buffer.from(p.value, 'base64').toString('hex') || '0'}`);
    crc = crc === undefined ? v : combineCrc(alg, crc, v, p.size);
  }
  return Buffer.from((crc ?? 0n).toString(16).padStart(bytes * 2, '0'), 'hex').toString('base64');
}
