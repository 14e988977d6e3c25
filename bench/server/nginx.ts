/**
 * nginx as the reference for file GETs: the same bytes from a file on disk, one worker process,
 * sendfile, keep-alive, no access log, in a temporary prefix directory, in the foreground
 * (`daemon off`), pinned like the other servers. It ignores the query string and the
 * Authorization header (it serves files; its headers need not match Tessera's).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './common.js';
import { type ServerProcess, spawnServer } from './procs.js';

/** Debian's nginx (BENCH_NGINX names another binary, or a missing one to see the rows skipped). */
export const NGINX = process.env.BENCH_NGINX || '/usr/sbin/nginx';

/**
 * The nginx binary, or why there is none. With BENCH_INSTALL=1, running as root, it first tries
 * `apt-get install -y nginx-light` (Debian).
 */
export function findNginx(log: (l: string) => void): { path: string } | { missing: string } {
  if (existsSync(NGINX)) return { path: NGINX };
  if (process.env.BENCH_INSTALL === '1' && process.getuid?.() === 0) {
    log('nginx: not installed; apt-get install -y nginx-light (BENCH_INSTALL=1)');
    spawnSync('apt-get', ['install', '-y', 'nginx-light'], { stdio: 'ignore', timeout: 300_000 });
    if (existsSync(NGINX)) return { path: NGINX };
  }
  return { missing: `${NGINX} not found (apt-get install nginx-light), the nginx rows are skipped` };
}

/** "nginx/1.22.1", from `nginx -v`. */
export function nginxVersion(nginx: string): string {
  const v = spawnSync(nginx, ['-v'], { encoding: 'utf8' });
  return /nginx\/[\w.]+/.exec(`${v.stdout}${v.stderr}`)?.[0] ?? 'nginx';
}

/** The temp-path directives of the modules this nginx has (each would default to /var/lib/nginx). */
function tempPaths(nginx: string, prefix: string): string[] {
  const v = spawnSync(nginx, ['-V'], { encoding: 'utf8' });
  const built = `${v.stdout}${v.stderr}`;
  const out = [`client_body_temp_path ${prefix}/tmp/body;`];
  for (const m of ['proxy', 'fastcgi', 'uwsgi', 'scgi'])
    if (!built.includes(`--without-http_${m}_module`)) out.push(`${m}_temp_path ${prefix}/tmp/${m};`);
  return out;
}

function config(nginx: string, prefix: string, port: number): string {
  return [
    'daemon off;',
    'worker_processes 1;',
    // As root, the worker would otherwise run as nobody and could not read the temporary files.
    ...(process.getuid?.() === 0 ? [`user ${userInfo().username};`] : []),
    `pid ${prefix}/nginx.pid;`,
    `error_log ${prefix}/error.log warn;`,
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    '  sendfile on;',
    '  tcp_nopush on;',
    '  keepalive_timeout 65;',
    '  keepalive_requests 10000000;',
    '  default_type application/octet-stream;',
    ...tempPaths(nginx, prefix).map((l) => `  ${l}`),
    `  server { listen 127.0.0.1:${port}; root ${prefix}/root; location / { } }`,
    '}',
    '',
  ].join('\n');
}

/** Resolves true once something accepts connections on the port. */
const accepting = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/**
 * Starts nginx serving `files` (URL path → bytes, e.g. /bench/obj-1m) from `prefix`/root.
 * @example await startNginx('/usr/sbin/nginx', join(workDir, 'nginx'), { '/bench/obj-1m': bytes }, '0')
 */
export async function startNginx(
  nginx: string,
  prefix: string,
  files: Record<string, Buffer>,
  cpuList: string | undefined,
): Promise<ServerProcess> {
  for (const d of ['root', 'tmp']) mkdirSync(join(prefix, d), { recursive: true });
  for (const [path, bytes] of Object.entries(files)) {
    const file = join(prefix, 'root', path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, config(nginx, prefix, port));
  return spawnServer({
    name: 'nginx',
    command: nginx,
    args: ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')],
    env: process.env,
    ready: () => accepting(port),
    cpuList,
    port,
  });
}
