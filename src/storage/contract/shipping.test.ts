import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CONTRACT = join(ROOT, 'src', 'storage', 'contract');

function* shippedSources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (p !== CONTRACT) yield* shippedSources(p);
    } else if (/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)) yield p;
  }
}

describe('contract suites', () => {
  it('are left out of the build, and no shipped file imports them (which would ship them anyway)', () => {
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
      exclude: string[];
    };
    expect(build.exclude).toContain('src/storage/contract');
    const importers: string[] = [];
    for (const file of [...shippedSources(join(ROOT, 'src')), ...shippedSources(join(ROOT, 'bench'))]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = normalize(join(dirname(file), m[1]!));
        if (target.startsWith(CONTRACT + sep)) importers.push(relative(ROOT, file));
      }
    }
    expect(importers).toEqual([]);
  });
});
