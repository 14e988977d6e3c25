import type { MinFreeSpace } from '../storage/index.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/**
 * TESSERA_MIN_FREE_SPACE: a percentage of the drive ("1%", "0.5%") or a size ("500MiB", "2GB",
 * bytes); "0" turns the threshold off. Undefined: the default (1 %, at most 1 GiB).
 */
export function parseMinFreeSpace(value: string | undefined): MinFreeSpace | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim().toLowerCase();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(v);
  if (percent) {
    const p = Number(percent[1]);
    if (p >= 100) throw new Error(`TESSERA_MIN_FREE_SPACE must be below 100% (got "${value}")`);
    return { percent: p };
  }
  const size = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?$/.exec(v);
  if (!size)
    throw new Error(
      `TESSERA_MIN_FREE_SPACE must be a percentage or a size such as 1%, 500MiB (got "${value}")`,
    );
  return { bytes: Math.round(Number(size[1]) * UNITS[size[2] ?? '']!) };
}
