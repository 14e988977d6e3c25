import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One server and the credentials to administer it, like an `mc alias`. */
export interface Alias {
  url: string;
  accessKey: string;
  secretKey: string;
}

interface ConfigFile {
  version: 1;
  aliases: Record<string, Alias>;
}

/** `$TESSERA_CONFIG_DIR`, or `~/.tessera`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['TESSERA_CONFIG_DIR'];
  return dir !== undefined && dir !== '' ? dir : join(homedir(), '.tessera');
}

/** Alias names as mc allows them: a letter or digit, then letters, digits, `_` and `-`. */
export function validateAliasName(name: string): string {
  if (!/^[A-Za-z0-9][\w-]{0,63}$/.test(name)) {
    throw new Error(`alias name "${name.slice(0, 70)}" is not valid: use letters, digits, _ and -`);
  }
  return name;
}

/** An http(s) URL without a path, query or credentials; returned without a trailing slash. */
export function validateAliasUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`"${url.slice(0, 200)}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error(`URL must be http:// or https://, not ${u.protocol}`);
  if (u.username !== '' || u.password !== '' || u.search !== '' || (u.pathname !== '/' && u.pathname !== ''))
    throw new Error('URL must be scheme://host[:port] only');
  return u.origin;
}

/**
 * The aliases in `<configDir>/config.json` (`{ "version": 1, "aliases": { name: { url,
 * accessKey, secretKey } } }`). The directory is created with mode 0700 and the file written with
 * mode 0600 (via a private temporary file renamed into place), since it holds secrets.
 * @example new AliasStore().set('local', { url: 'http://127.0.0.1:9000', accessKey: 'k', secretKey: 's' })
 */
export class AliasStore {
  readonly file: string;

  constructor(readonly dir: string = configDir()) {
    this.file = join(dir, 'config.json');
  }

  #read(): ConfigFile {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, aliases: {} };
      throw e;
    }
    const parsed = JSON.parse(text) as Partial<ConfigFile>;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.aliases !== 'object') {
      throw new Error(`${this.file} is not a Tessera configuration file`);
    }
    return { version: 1, aliases: { ...parsed.aliases } };
  }

  #write(config: ConfigFile): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }

  /** All aliases, sorted by name. */
  list(): [string, Alias][] {
    return Object.entries(this.#read().aliases).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The alias, or an error naming it and the file. */
  get(name: string): Alias {
    const config = this.#read();
    const alias = Object.hasOwn(config.aliases, name) ? config.aliases[name] : undefined;
    if (alias === undefined) {
      throw new Error(
        `no alias "${name}" in ${this.file}; add it with: tessera alias set ${name} URL KEY SECRET`,
      );
    }
    return alias;
  }

  /** Adds or replaces an alias. */
  set(name: string, alias: Alias): void {
    validateAliasName(name);
    const config = this.#read();
    config.aliases[name] = {
      url: validateAliasUrl(alias.url),
      accessKey: alias.accessKey,
      secretKey: alias.secretKey,
    };
    this.#write(config);
  }

  /** Removes an alias; false when there was none. */
  remove(name: string): boolean {
    const config = this.#read();
    if (!Object.hasOwn(config.aliases, name)) return false;
    delete config.aliases[name];
    this.#write(config);
    return true;
  }
}
