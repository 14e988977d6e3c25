import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AliasStore, configDir } from './alias-store.js';
import { Connection, describeError } from './connection.js';

/** Where the admin and alias commands read and write; replaced in tests. */
export interface AdminIO {
  out(text: string): void;
  err(text: string): void;
  /** Records the process exit status (default: sets process.exitCode). */
  exit(code: number): void;
  readFile(path: string): string;
  /** The configuration directory (default: TESSERA_CONFIG_DIR or ~/.tessera). */
  configDir(): string;
}

export const processIO: AdminIO = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  exit: (c) => {
    process.exitCode = c;
  },
  readFile: (p) => readFileSync(p, 'utf8'),
  configDir: () => configDir(),
};

export interface JsonOption {
  json?: boolean;
}

/** What every command gets: output, the alias store, and a connection to an alias. */
export class AdminContext {
  constructor(readonly io: AdminIO) {}

  aliases(): AliasStore {
    return new AliasStore(this.io.configDir());
  }

  /** Runs `fn` with a connection to the alias, closing it afterwards. */
  async with<T>(aliasName: string, fn: (c: Connection) => Promise<T>): Promise<T> {
    const conn = new Connection(this.aliases().get(aliasName));
    try {
      return await fn(conn);
    } finally {
      conn.close();
    }
  }

  /** `--json`: the value as JSON; otherwise the human-readable text. */
  emit(opts: JsonOption, value: unknown, human: () => string): void {
    this.io.out(opts.json ? `${JSON.stringify(value, null, 2)}\n` : human());
  }

  /**
   * Wraps a command's action: a failure prints `tessera: <Code>: <message>` to stderr (the
   * server's code and message; a local error without a code as `tessera: <message>`) and exits
   * with status 1.
   */
  action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
    return async (...args: A) => {
      try {
        await fn(...args);
      } catch (e) {
        const { code, message } = describeError(e);
        this.io.err(code === 'Error' ? `tessera: ${message}\n` : `tessera: ${code}: ${message}\n`);
        this.io.exit(1);
      }
    };
  }
}

/** Adds `--json` to a command. */
export function withJson(cmd: Command): Command {
  return cmd.option('--json', 'print JSON for scripts instead of a table');
}

/** ISO date → `2024-05-01 12:00:00` for tables. */
export function shortDate(iso: unknown): string {
  return typeof iso === 'string' ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : '-';
}

/** Tessera's `<Status>` Active / Inactive → mc's enabled / disabled. */
export function enabledOf(status: unknown): string {
  return status === 'Active' ? 'enabled' : status === 'Inactive' ? 'disabled' : '-';
}
