import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadCertificateTools } from '../idp/index.js';

const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1'];

interface GenerateOptions {
  host?: string[];
  out?: string;
  days?: string;
  client?: string[];
  force?: boolean;
}

function write(path: string, text: string, secret: boolean, force: boolean): void {
  if (!force && existsSync(path)) throw new Error(`${path} exists (use --force to replace it)`);
  writeFileSync(path, text, { mode: secret ? 0o600 : 0o644 });
  if (secret) chmodSync(path, 0o600);
}

/**
 * `tessera certs generate`: a development CA and a server certificate signed by it, laid out as
 * a certs directory (public.crt, private.key, CAs/tessera-dev-ca.crt), so that
 * `tessera server --certs-dir DIR` serves HTTPS at once; `--client CN` adds client certificates.
 */
export async function generateCerts(o: GenerateOptions): Promise<string[]> {
  const out = resolve(o.out ?? './certs');
  const hosts = o.host !== undefined && o.host.length > 0 ? o.host : DEFAULT_HOSTS;
  const days = Number(o.days ?? '365');
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new Error('--days must be 1 to 3650');
  const force = o.force === true;
  const clients = (o.client ?? []).map((cn) => ({ cn, base: cn.replace(/[^\w.-]/g, '_') }));
  const names = ['public.crt', 'private.key', join('CAs', 'tessera-dev-ca.crt'), 'ca.key'];
  for (const c of clients) names.push(`client-${c.base}.crt`, `client-${c.base}.key`);
  // All or nothing: an existing file stops the command before anything is written.
  const existing = names.map((n) => join(out, n)).filter((p) => existsSync(p));
  if (!force && existing.length > 0)
    throw new Error(`${existing.join(', ')} exists (use --force to replace)`);
  const { issueCertificate } = await loadCertificateTools();
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  const ca = await issueCertificate({
    commonName: 'Tessera development CA',
    ca: true,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (days + 1) * 86_400_000),
  });
  const server = await issueCertificate({ commonName: hosts[0]!, issuer: ca, hosts, notBefore, notAfter });
  mkdirSync(join(out, 'CAs'), { recursive: true });
  const written: string[] = [];
  const put = (name: string, text: string, secret = false) => {
    const p = join(out, name);
    write(p, text, secret, force);
    written.push(p);
  };
  put('public.crt', server.cert);
  put('private.key', server.key, true);
  put(join('CAs', 'tessera-dev-ca.crt'), ca.cert);
  // Kept outside CAs/ (never served, never trusted as a file): only to issue more certificates.
  put('ca.key', ca.key, true);
  for (const { cn, base } of clients) {
    const client = await issueCertificate({ commonName: cn, issuer: ca, notBefore, notAfter });
    put(`client-${base}.crt`, client.cert);
    put(`client-${base}.key`, client.key, true);
  }
  return written;
}

const collect = (v: string, acc: string[] = []) => [...acc, ...v.split(',').filter((s) => s !== '')];

/** Registers `tessera certs generate`. */
export function registerCertsCommands(program: Command): void {
  const certs = program.command('certs').description('TLS certificates for development (docs/tls.md)');
  certs
    .command('generate')
    .description('write a self-signed CA and a server certificate as a certs directory')
    .option(
      '--host <name>',
      'DNS name or IP address of the server (repeatable; default localhost, 127.0.0.1, ::1)',
      collect,
    )
    .option('--out <dir>', 'the certs directory to write (default ./certs)')
    .option('--days <n>', 'validity in days (default 365)')
    .option('--client <cn>', 'also a client certificate with this CN, signed by the CA (repeatable)', collect)
    .option('--force', 'replace existing files')
    .action(async (o: GenerateOptions) => {
      const files = await generateCerts(o);
      process.stdout.write(`${files.join('\n')}\n`);
      process.stdout.write(
        `Serve HTTPS with: tessera server --certs-dir ${resolve(o.out ?? './certs')} DATA_DIR\n` +
          `Clients trust: ${join(resolve(o.out ?? './certs'), 'CAs', 'tessera-dev-ca.crt')}\n`,
      );
    });
}
