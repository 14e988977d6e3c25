import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reads every JSON file of a fixture folder (tests only: the library itself does no I/O). */
export function loadFixtures<T>(folder: string): { file: string; data: T }[] {
  const dir = join(import.meta.dirname, '../../src/policy/fixtures', folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, data: JSON.parse(readFileSync(join(dir, file), 'utf8')) as T }));
}
