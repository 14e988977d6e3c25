import { readFileSync, statSync } from 'node:fs';

/** Longest configuration file read (it holds settings, not data). */
export const MAX_ENV_FILE_BYTES = 1024 * 1024;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses an environment file (docs/configuration.md "Configuration file"): `NAME=value` lines,
 * optionally after `export `; `#` starts a comment line; blank lines are ignored; a value may be
 * wrapped in single quotes (taken as is) or double quotes (`\"`, `\\`, `\n` unescaped). Throws an
 * Error naming the file and line, never the value (a line may hold a password).
 * @example parseEnvFile('TESSERA_REGION=eu-west-1\n', '/etc/tessera.env') // { TESSERA_REGION: 'eu-west-1' }
 */
export function parseEnvFile(text: string, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fail = (why: string) => new Error(`${path}:${i + 1}: ${why}`);
    const body = line.startsWith('export ') ? line.slice('export '.length).trimStart() : line;
    const eq = body.indexOf('=');
    if (eq <= 0) throw fail('expected NAME=value');
    const name = body.slice(0, eq).trim();
    if (!NAME.test(name)) throw fail('the name must be letters, digits and underscores');
    out[name] = unquote(body.slice(eq + 1).trim(), fail);
  }
  return out;
}

function unquote(raw: string, fail: (why: string) => Error): string {
  const q = raw[0];
  if (q !== '"' && q !== "'") return raw;
  if (raw.length < 2 || raw[raw.length - 1] !== q) throw fail('an unterminated quoted value');
  const inner = raw.slice(1, -1);
  if (q === "'") return inner;
  return inner.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/**
 * Reads the file TESSERA_CONFIG_ENV_FILE (or MinIO's MINIO_CONFIG_ENV_FILE) names, when one does,
 * into `env`: every setting of the file that the environment does not set already (the
 * environment wins). Throws an Error naming the file (and line) on a bad file.
 */
export function applyEnvFile(env: Record<string, string | undefined> = process.env): void {
  const path = env['TESSERA_CONFIG_ENV_FILE'] || env['MINIO_CONFIG_ENV_FILE'];
  if (path === undefined || path === '') return;
  let text: string;
  try {
    if (statSync(path).size > MAX_ENV_FILE_BYTES) throw new Error(`larger than ${MAX_ENV_FILE_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`TESSERA_CONFIG_ENV_FILE: cannot read ${path} (${(e as Error).message})`);
  }
  for (const [name, value] of Object.entries(parseEnvFile(text, path)))
    if (env[name] === undefined) env[name] = value;
}
