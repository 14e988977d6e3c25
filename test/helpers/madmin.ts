/**
 * madmin-go for tests: test/go/madmin-client (Debian's golang-github-minio-madmin-go-dev 2.0.7,
 * built in GOPATH mode, offline). In CI (CI=true) a missing Go toolchain or madmin-go fails the
 * importing test file. Raw admin requests without Go: admin-request.ts.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';

const GOPATH_SRC = '/usr/share/gocode';
/** Debian's madmin-go sources. */
export const MADMIN = join(GOPATH_SRC, 'src/github.com/minio/madmin-go');
const goBinary = ['/usr/bin/go', '/usr/lib/go/bin/go'].find((p) => existsSync(p));
/** Whether Go and madmin-go are installed (tests skip without them, outside CI). */
export const haveGo = goBinary !== undefined && existsSync(MADMIN);
if (!haveGo && process.env.CI === 'true')
  throw new Error('CI: Go and golang-github-minio-madmin-go-dev must be installed (.ci/run)');

/** Builds test/go/<program> into `work` (its GOPATH and build cache there too); returns the binary. */
export async function buildGoProgram(work: string, program: string): Promise<string> {
  const bin = join(work, program);
  await promisify(execFile)(goBinary!, ['build', '-o', bin, '.'], {
    cwd: join(import.meta.dirname, '..', 'go', program),
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: `${GOPATH_SRC}:${work}`,
      GOCACHE: join(work, 'cache'),
      GOFLAGS: '',
      GOENV: 'off',
    },
    timeout: 300_000,
  });
  return bin;
}

/** Builds test/go/madmin-client into `work`; returns the binary. */
export const buildMadminClient = (work: string): Promise<string> => buildGoProgram(work, 'madmin-client');

/** One step of madmin-client (its `op` and arguments). */
export interface MadminStep {
  op: string;
  [k: string]: unknown;
}
export interface MadminResult {
  ok: boolean;
  value?: unknown;
  code?: string;
  message?: string;
}
/** What madmin-client signs with (a session token as its 4th argument when given). */
export interface MadminKeys {
  accessKey: string;
  secretKey: string;
  sessionToken?: string | undefined;
}

/** Runs `steps` with madmin-client (buildMadminClient) against `endpoint` as `keys`: one result per step. */
export function runMadmin(
  client: string,
  endpoint: string,
  keys: MadminKeys,
  steps: readonly MadminStep[],
): Promise<MadminResult[]> {
  const args = [
    endpoint.replace(/^http:\/\//, ''),
    keys.accessKey,
    keys.secretKey,
    ...(keys.sessionToken ? [keys.sessionToken] : []),
  ];
  return new Promise((resolve, reject) => {
    const p = spawn(client, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) reject(new Error(`madmin-client exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as MadminResult[]);
    });
    p.stdin.end(JSON.stringify(steps));
  });
}

/**
 * madmin-client bound to a server (both read when called): `madmin` runs steps, `one` a step,
 * `value` a step's value (failing with the server's answer when the call failed), `code` its error code.
 */
export function madminClient(client: () => string, endpoint: () => string) {
  const madmin = (keys: MadminKeys, steps: readonly MadminStep[]) =>
    runMadmin(client(), endpoint(), keys, steps);
  const one = async (keys: MadminKeys, step: MadminStep) => (await madmin(keys, [step]))[0]!;
  async function value<T>(keys: MadminKeys, step: MadminStep): Promise<T> {
    const r = await one(keys, step);
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
    return r.value as T;
  }
  const code = async (keys: MadminKeys, step: MadminStep) => (await one(keys, step)).code;
  return { madmin, one, value, code };
}
