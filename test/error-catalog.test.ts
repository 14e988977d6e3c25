import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCatalog } from '../src/core/index.js';

describe('error catalog', () => {
  it('docs/errors.md lists every code with its status, and nothing else', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'errors.md'), 'utf8');
    const rows = new Map([...doc.matchAll(/^\| (\w+) \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]));
    const catalog = new Map(Object.entries(errorCatalog).map(([code, spec]) => [code, spec.status]));
    expect(rows).toEqual(catalog);
  });
});
