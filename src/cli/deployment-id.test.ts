import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deploymentIdFile, loadDeploymentId } from './deployment-id.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the deployment id', () => {
  it('is a UUID made once and kept in the data directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-deployment-id-'));
    dirs.push(dir);
    const id = loadDeploymentId(dir);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(loadDeploymentId(dir)).toBe(id);
    expect(readFileSync(deploymentIdFile(dir), 'utf8')).toBe(`${id}\n`);
    const other = mkdtempSync(join(tmpdir(), 'tessera-deployment-id-'));
    dirs.push(other);
    expect(loadDeploymentId(other)).not.toBe(id);
  });
});
