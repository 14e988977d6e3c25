import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/** docs/architecture.md: imports point down the ranks, never up; other folders import only a folder's index. */
const RANK: Record<string, number> = {
  core: 0,
  policy: 1,
  auth: 1,
  storage: 1,
  audit: 1,
  iam: 2,
  idp: 2,
  sts: 3,
  s3: 3,
  admin: 3,
  http: 4,
  console: 5,
  cli: 6,
};
const SRC = join(import.meta.dirname, '..', 'src');

function* sourceFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(p);
    else if (/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)) yield p;
  }
}

describe('layer ranks', () => {
  it('every import points down the ranks and enters other folders through index.ts', () => {
    const problems: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const from = relative(SRC, file).split(sep)[0]!;
      for (const m of readFileSync(file, 'utf8').matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = normalize(join(dirname(file), m[1]!));
        const parts = relative(SRC, target).split(sep);
        const to = parts[0]!;
        if (to === from) continue;
        if (!(to in RANK) || !(from in RANK)) {
          problems.push(`${relative(SRC, file)} imports ${m[1]}: a folder without a rank`);
          continue;
        }
        // Down the ranks only: never up, never sideways to another folder of the same rank.
        if (RANK[to]! >= RANK[from]!)
          problems.push(`${relative(SRC, file)} imports ${m[1]} (${from} → ${to})`);
        if (to !== 'cli' && !(parts.length === 2 && parts[1] === 'index.js'))
          problems.push(`${relative(SRC, file)} imports ${m[1]} past ${to}/index.ts`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every folder of src/ has a rank (a new folder is added to the table with its rank)', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => !(f in RANK))).toEqual([]);
    // cli is the composition root (entry point main.ts); every other folder exposes an index.ts.
    for (const f of folders.filter((f) => f !== 'cli')) {
      expect(readdirSync(join(SRC, f)), `src/${f}`).toContain('index.ts');
    }
  });

  it('cli is the composition root: nothing imports it', () => {
    for (const file of sourceFiles(SRC)) {
      const from = relative(SRC, file).split(sep)[0]!;
      if (from === 'cli') continue;
      expect(readFileSync(file, 'utf8')).not.toMatch(/from\s+['"][./]+cli\//);
    }
  });
});
