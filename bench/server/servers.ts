/**
 * The servers of one run of the server benchmark: Tessera (one worker) with the objects the
 * selected cases read, the Node references (bare, minimal verifier, Tessera's verifier),
 * nginx for file GETs when installed, Tessera with two workers for the workers case, and the
 * baseline build with --baseline. Each has its own data; every one is stopped by stopAll().
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Case, Scale } from './cases.js';
import { BUCKET, fixtureBytes, KEYS } from './common.js';
import { fixturesFrom, preload } from './fixtures.js';
import { findNginx, nginxVersion, startNginx } from './nginx.js';
import { builtMain, type ServerProcess, startReference, startTessera, TESSERA_MAIN } from './procs.js';
import type { Target } from './row.js';

export type Servers = Partial<Record<Target, ServerProcess>>;

export interface RunServers {
  servers: Servers;
  /** How nginx was found (its version), or why it is not measured; undefined: no file GET selected. */
  nginx?: string;
  /** Restarts Tessera (same data) with CPU profiles in `dir`, or without when undefined. */
  restartTessera: (profileDir: string | undefined) => Promise<ServerProcess>;
  stopAll: () => Promise<void>;
}

export interface StartOptions {
  cases: Case[];
  s: Scale;
  workDir: string;
  /** The core(s) of the servers under test. */
  cpu: string | undefined;
  baseline?: string;
  /** The baseline's CPU profiles go to DIR/previous. */
  profileDir?: string;
  log: (l: string) => void;
}

/** The files nginx serves: the objects of the selected file GETs, at their URL paths. */
function nginxFiles(cases: Case[], s: Scale): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const c of cases.filter((x) => x.file)) {
    if (c.kind === 'get-large') files[`/${BUCKET}/${KEYS.large}`] ??= fixtureBytes(s.large);
    else if (c.reads) files[`/${BUCKET}/${c.reads.key}`] ??= fixtureBytes(c.reads.size);
  }
  return files;
}

export async function startServers(o: StartOptions): Promise<RunServers> {
  const started: ServerProcess[] = [];
  const servers: Servers = {};
  const keep = (name: Target, p: ServerProcess) => {
    started.push(p);
    servers[name] = p;
    return p;
  };
  const stopAll = async () => {
    for (const p of started.reverse()) await p.stop();
    started.length = 0;
  };
  const dataDir = join(o.workDir, 'data');
  mkdirSync(dataDir);
  const result: RunServers = {
    servers,
    stopAll,
    restartTessera: async (profileDir) => {
      const old = servers.tessera!;
      await old.stop();
      started.splice(started.indexOf(old), 1);
      if (profileDir) mkdirSync(profileDir, { recursive: true });
      return keep('tessera', await startTessera(dataDir, o.cpu, profileDir));
    },
  };
  try {
    // With --profile the suite restarts it for each case, profiled into DIR/<case>.
    const tessera = keep('tessera', await startTessera(dataDir, o.cpu));
    await preload(tessera.port, o.cases, o.s, o.log);
    const fixturesFile = join(o.workDir, 'fixtures.json');
    writeFileSync(fixturesFile, JSON.stringify(await fixturesFrom(tessera.port, o.cases, o.s)));
    for (const kind of ['bare', 'minimal', 'verify'] as const)
      keep(kind, await startReference(kind, fixturesFile, o.cpu));
    if (o.cases.some((c) => c.file)) {
      const found = findNginx(o.log);
      if ('path' in found) {
        keep(
          'nginx',
          await startNginx(found.path, join(o.workDir, 'nginx'), nginxFiles(o.cases, o.s), o.cpu),
        );
        result.nginx = nginxVersion(found.path);
      } else {
        result.nginx = found.missing;
        o.log(`nginx: ${found.missing}`);
      }
    }
    const workers = o.cases.filter((c) => c.targets?.includes('tessera2'));
    if (workers.length) {
      // Two workers on every core (unpinned): the case measures how Tessera scales.
      const dir = join(o.workDir, 'data-2w');
      mkdirSync(dir);
      const two = keep(
        'tessera2',
        await startTessera(dir, undefined, undefined, TESSERA_MAIN, 'tessera2', 2),
      );
      await preload(two.port, workers, o.s, o.log);
    }
    if (o.baseline) {
      // The same objects, written through the baseline's own S3 API into its own data directory.
      const dir = join(o.workDir, 'data-previous');
      mkdirSync(dir);
      const profile = o.profileDir ? join(o.profileDir, 'previous') : undefined;
      if (profile) mkdirSync(profile, { recursive: true });
      const previous = keep(
        'previous',
        await startTessera(dir, o.cpu, profile, builtMain(o.baseline), 'previous'),
      );
      o.log(`baseline: ${o.baseline} (server previous)`);
      await preload(previous.port, o.cases, o.s, o.log);
    }
  } catch (e) {
    await stopAll();
    throw e;
  }
  return result;
}
