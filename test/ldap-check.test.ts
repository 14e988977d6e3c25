import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT_PASSWORD, ROOT_USER, type RunningServer, startServer } from './helpers/server.js';
import { LOOKUP_PASSWORD, type Slapd, startBlackhole, startSlapd, USERS } from './helpers/slapd.js';

/**
 * `tessera admin idp ldap check` (docs/ldap.md "Administration") against the real server and a
 * real slapd: every step of a working directory, a wrong lookup password, a dead directory.
 */
let slapd: Slapd;
let blackhole: Awaited<ReturnType<typeof startBlackhole>>;
let server: RunningServer;
let dir: string;

function tessera(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, TESSERA_CONFIG_DIR: join(dir, 'config') };
    execFile(process.execPath, [MAIN, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), out: stdout, err: stderr });
    });
  });
}

interface Report {
  directories: { directory: string; steps: { step: string; ok: boolean; detail: string }[] }[];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-ldap-check-'));
  slapd = await startSlapd();
  blackhole = await startBlackhole();
  server = await startServer({
    workers: 1,
    env: {
      ...slapd.env(),
      ...slapd.env('WRONG', { LOOKUP_BIND_PASSWORD: 'not-the-password' }),
      ...slapd.env('DEAD', { SERVER_ADDR: blackhole.addr, TIMEOUT: '500ms' }),
    },
  });
  const set = await tessera(['alias', 'set', 'local', server.endpoint, ROOT_USER, ROOT_PASSWORD]);
  expect(set.code, set.err).toBe(0);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await slapd?.stop();
  await blackhole?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tessera admin idp ldap check', () => {
  it('reports every step of a working directory, and finds a user by name without a password', async () => {
    const r = await tessera([
      'admin',
      'idp',
      'ldap',
      'check',
      'local',
      'default',
      '--username',
      'alice',
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as Report;
    expect(report.directories).toHaveLength(1);
    const steps = report.directories[0]!.steps;
    expect(steps.map((s) => s.step)).toEqual(['connect', 'lookup bind', 'user search', 'group search']);
    expect(steps.every((s) => s.ok)).toBe(true);
    expect(steps[2]!.detail).toContain(USERS.alice.dn.toLowerCase());
    const human = await tessera(['admin', 'idp', 'ldap', 'check', 'local', 'default']);
    expect(human.code, human.err).toBe(0);
    expect(human.out).toMatch(/^Directory default\nSTEP\s+OK\s+DETAIL\n/);
  });

  it('says which step fails, exits 1, and never shows the bind password', async () => {
    const all = await tessera(['admin', 'idp', 'ldap', 'check', 'local', '--json']);
    expect(all.code).toBe(1);
    const report = JSON.parse(all.out) as Report;
    expect(report.directories.map((d) => d.directory)).toEqual(['default', 'dead', 'wrong']);
    const by = Object.fromEntries(report.directories.map((d) => [d.directory, d.steps]));
    expect(by['default']!.every((s) => s.ok)).toBe(true);
    expect(by['wrong']!.find((s) => s.step === 'lookup bind')).toMatchObject({ ok: false });
    // A blackhole accepts the connection and never answers: the bind times out.
    expect(by['dead']!.find((s) => s.step === 'lookup bind')).toMatchObject({ ok: false });
    expect(all.out).not.toContain('not-the-password');
    expect(all.out).not.toContain(LOOKUP_PASSWORD);
    const unknown = await tessera(['admin', 'idp', 'ldap', 'check', 'local', 'nosuch']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/InvalidParameterValue: No LDAP directory is named nosuch/);
  });
});
