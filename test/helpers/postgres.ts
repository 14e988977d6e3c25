/**
 * A throwaway PostgreSQL cluster (Debian's binaries, /usr/lib/postgresql/<version>/bin): `initdb`
 * into a temp dir, the server on a free loopback port with its unix socket in that dir, fsync off
 * (tests only). Running as root (CI's .ci/run), initdb and postgres run as the `postgres` system
 * user through runuser: PostgreSQL refuses to run as root. Share one per test file:
 * startPostgres() in beforeAll, stop() in afterAll; createDatabase() for each isolated run.
 * In CI (CI=true) a missing PostgreSQL fails the test: use postgresMissing() only outside CI.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface Postgres {
  /** `postgres://tessera@127.0.0.1:<port>/postgres` (trust authentication on loopback). */
  readonly url: string;
  readonly port: number;
  /** The directory holding the unix socket (`.s.PGSQL.<port>`). */
  readonly socketDir: string;
  /** With `tls`: the PEM file of the CA that signed the server's certificate (SAN 127.0.0.1, localhost). */
  readonly caFile?: string;
  /** Creates a fresh, empty database; returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

const USER = 'tessera';

/** The bin directory of the newest Debian PostgreSQL, else the one on PATH, else undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(root, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb'))) return dir;
  }
  return undefined;
}

/** Why PostgreSQL cannot run here (outside CI a test may skip for it), or undefined when it can. */
export function postgresMissing(): string | undefined {
  if (process.env.CI === 'true') return undefined; // never skip in CI: startPostgres fails instead
  return postgresBinDir() === undefined
    ? 'PostgreSQL is not installed (apt-get install postgresql)'
    : undefined;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** uid and gid of the postgres system user (Debian's package creates it). */
function postgresIds(): [number, number] {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return [id('-u'), id('-g')];
}

/** argv for a PostgreSQL binary: through runuser as `postgres` when we are root. */
function command(bin: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (e) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`postgres did not start: ${String(e)}: ${log()}`);
      await sleep(100);
    }
  }
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A CA and a server certificate for 127.0.0.1 / localhost, EC P-256, in `dir`. */
function certificates(dir: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = ['-subj', '/CN=Tessera Test PostgreSQL CA', '-addext', 'basicConstraints=critical,CA:TRUE'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', ...ca], dir);
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  writeFileSync(
    join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n',
  );
  const sign = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-extfile', 'server.ext'];
  openssl(['x509', '-req', '-in', 'server.csr', '-out', 'server.pem', '-days', '2', ...sign], dir);
  chmodSync(join(dir, 'server.key'), 0o600); // postgres refuses a key others can read
}

/**
 * Starts a throwaway cluster; throws when PostgreSQL is missing or does not start. `tls`: the
 * server also accepts TLS (ssl=on; plain connections still work), with a certificate from `caFile`.
 */
export async function startPostgres(opts: { tls?: boolean } = {}): Promise<Postgres> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error('PostgreSQL not found: apt-get install postgresql (.ci/run does)');
  // As root, the postgres user must reach the dir: a private TMPDIR (mode 700) will not do.
  const base = isRoot() && (statSync(tmpdir()).mode & 0o001) === 0 ? '/tmp' : tmpdir();
  const dir = mkdtempSync(join(base, 'tessera-pg-'));
  if (isRoot()) chownSync(dir, postgresIds()[0], postgresIds()[1]);
  const data = join(dir, 'data');
  const [initCmd, initArgs] = command(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    USER,
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  try {
    execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const err = e as { stderr?: Buffer };
    throw new Error(`initdb failed: ${err.stderr?.toString() ?? String(e)}`);
  }
  const tlsDir = join(dir, 'tls');
  if (opts.tls === true) {
    mkdirSync(tlsDir);
    certificates(tlsDir);
    if (isRoot()) {
      for (const f of ['server.key', 'server.pem'])
        chownSync(join(tlsDir, f), postgresIds()[0], postgresIds()[1]);
    }
  }
  const port = await freePort();
  const tlsSettings =
    opts.tls === true
      ? { ssl: 'on', ssl_cert_file: join(tlsDir, 'server.pem'), ssl_key_file: join(tlsDir, 'server.key') }
      : {};
  const settings = {
    ...tlsSettings,
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    shared_buffers: '32MB',
    log_min_messages: 'warning',
  };
  const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const [cmd, argv] = command(join(bin, 'postgres'), args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  // runuser does not pass signals on: stop the postmaster itself (its pid file), SIGINT = fast
  // shutdown. A test process that exits without stop() still takes the server down.
  const postmasterPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const signal = (sig: NodeJS.Signals) => {
    const pid = postmasterPid();
    try {
      if (pid !== undefined) process.kill(pid, sig);
      else child.kill(sig);
    } catch {}
  };
  const kill = () => signal('SIGINT');
  process.once('exit', kill);
  const url = `postgres://${USER}@127.0.0.1:${port}/postgres`;
  try {
    await waitReady(url, child, () => stderr);
  } catch (e) {
    kill();
    process.removeListener('exit', kill);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let n = 0;
  return {
    url,
    port,
    socketDir: dir,
    ...(opts.tls === true ? { caFile: join(tlsDir, 'ca.pem') } : {}),
    async createDatabase(prefix = 'db') {
      const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${n++}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://${USER}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      process.removeListener('exit', kill);
      const pid = postmasterPid();
      signal('SIGINT');
      const deadline = Date.now() + 15_000;
      while (pid !== undefined && alive(pid) && Date.now() < deadline) await sleep(50);
      if (pid !== undefined && alive(pid)) signal('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
