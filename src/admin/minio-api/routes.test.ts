import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionInfo } from '../../policy/index.js';
import { minioAdminRoutes } from './routes.js';

describe('MinIO admin routes', () => {
  it('name every action they authorize as the policy catalog spells it (admin:* and iam:*)', () => {
    const dir = import.meta.dirname;
    const used = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')))
      for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/'((?:admin|iam):[A-Za-z]+)'/g))
        used.add(m[1]!);
    expect(used.size).toBeGreaterThan(20);
    for (const a of used) expect([a, actionInfo(a)?.name]).toEqual([a, a]);
  });

  it('have one operation name each and a method madmin-go sends', () => {
    const ops = Object.values(minioAdminRoutes).map((r) => r.operation);
    expect(new Set(ops).size).toBe(ops.length);
    for (const r of Object.values(minioAdminRoutes))
      expect(['GET', 'PUT', 'POST', 'DELETE']).toContain(r.method);
  });
});
