import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { deriveAuditKey, FileTarget } from '../audit/index.js';
import { CONTRACT_KEY, sampleEvent } from '../audit/targets/contract.js';
import { registerAuditCommands } from './audit-command.js';

async function run(args: string[], env: Record<string, string> = {}): Promise<{ out: string; code: number }> {
  let out = '';
  let code = -1;
  const program = new Command('tessera').exitOverride();
  registerAuditCommands(program, {
    out: (t) => (out += t),
    err: (t) => (out += t),
    exit: (c) => (code = c),
    env,
  });
  await program.parseAsync(args, { from: 'user' });
  return { out, code };
}

async function auditFile(): Promise<string> {
  const t = new FileTarget({
    path: mkdtempSync(join(tmpdir(), 'tessera-cmd-')),
    node: 'n',
    stream: 's',
    key: CONTRACT_KEY,
  });
  t.write(sampleEvent({ requestId: 'A' }));
  t.write(
    sampleEvent({
      requestId: 'B',
      status: 403,
      authz: {
        decision: 'deny',
        reason: 'explicitDeny',
        statements: [{ policy: 'p', index: 2, sid: 'NoWay', effect: 'Deny' }],
        actions: ['s3:GetObject'],
        resources: ['arn:aws:s3:::photos/a.jpg'],
      },
    }),
  );
  await t.close();
  return t.activePath;
}

describe('tessera audit', () => {
  it('verify: ok with counts; exit 1 with file:line at the first problem', async () => {
    const file = await auditFile();
    const ok = await run(['audit', 'verify', file]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^ok: 2 entries, 1 checkpoints\nnote: checkpoint signatures not checked/);
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, [lines[1], lines[0], ...lines.slice(2)].join('\n'));
    const bad = await run(['audit', 'verify', file]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`${file}:1: `);
  });

  it('verify checks signatures with the master key from the environment', async () => {
    const file = await auditFile();
    const master = Buffer.alloc(32, 7).toString('base64');
    // The contract key is derived from 'contract' and 32 bytes of 7: the same master key.
    expect(deriveAuditKey('contract', Buffer.from(master, 'base64')).id).toBe(CONTRACT_KEY.id);
    const r = await run(['audit', 'verify', file], { TESSERA_KMS_SECRET_KEY: `contract:${master}` });
    expect(r).toEqual({ code: 0, out: 'ok: 2 entries, 1 checkpoints\n' });
    const wrong = await run(['audit', 'verify', file], {
      TESSERA_KMS_SECRET_KEY: `contract:${Buffer.alloc(32, 8).toString('base64')}`,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/signature/);
  });

  it('query: a table, JSON lines, and the deciding statements of denials', async () => {
    const file = await auditFile();
    const table = await run(['audit', 'query', file, '--decision', 'deny']);
    expect(table.out.split('\n')).toHaveLength(3);
    expect(table.out).toMatch(
      /^TIME\s+PRINCIPAL\s+API\s+RESOURCE\s+STATUS\s+DECISION\s+REASON\n.*alice\s+GetObject\s+photos\/a\.jpg\s+403\s+deny\s+explicitDeny\n$/,
    );
    const json = await run(['audit', 'query', file, '--principal', 'alice', '--json']);
    expect(
      json.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).requestID),
    ).toEqual(['A', 'B']);
    const explain = await run(['audit', 'query', file, '--explain']);
    expect(explain.out).toContain('decision: deny (explicitDeny)');
    expect(explain.out).toContain('checked: s3:GetObject on arn:aws:s3:::photos/a.jpg');
    expect(explain.out).toContain('Deny by p statement #2 (Sid NoWay)');
    expect(explain.out).not.toContain('REQ1\n');
  });
});
