import { type FSWatcher, watch } from 'node:fs';
import type { Server as HttpsServer, ServerOptions } from 'node:https';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { loadTlsMaterial, type TlsMaterial, type TlsSource } from './material.js';
import { secureContextOptions } from './options.js';

export interface TlsReloaderOptions {
  /** Ask clients for a certificate (client certificates enabled: TESSERA_IDENTITY_TLS_ENABLE). */
  readonly requestClientCert: boolean;
  /** Called with every material about to be served (the client-certificate trust store); may throw to refuse it. */
  readonly onLoad?: (m: TlsMaterial) => void;
  readonly log: (message: string, err?: unknown) => void;
  /** Told of every reload that took effect (the cli prints one line). */
  readonly onReloaded?: (m: TlsMaterial) => void;
  /** How long to wait for a burst of file changes to settle before reloading (ms). */
  readonly settleMs?: number;
}

interface Contexts {
  readonly material: TlsMaterial;
  readonly defaultOptions: SecureContextOptions;
  readonly exact: ReadonlyMap<string, SecureContext>;
  /** `*.example.com` certificates by their suffix `.example.com`. */
  readonly wildcard: ReadonlyMap<string, SecureContext>;
}

function build(m: TlsMaterial, o: TlsReloaderOptions): Contexts {
  const ca = o.requestClientCert ? m.caCerts : undefined;
  const defaultOptions = secureContextOptions(m.default.cert, m.default.key, ca);
  createSecureContext(defaultOptions); // throws now, not at the first handshake
  const exact = new Map<string, SecureContext>();
  const wildcard = new Map<string, SecureContext>();
  for (const { names, pair } of m.sni) {
    const ctx = createSecureContext(secureContextOptions(pair.cert, pair.key, ca));
    for (const n of names) {
      if (n.startsWith('*.')) wildcard.set(n.slice(1), ctx);
      else exact.set(n, ctx);
    }
  }
  o.onLoad?.(m);
  return { material: m, defaultOptions, exact, wildcard };
}

/**
 * The server's certificates, reloaded without a restart: on a change of the watched files
 * (after they settle) and on `reload()` (SIGHUP). A reload that fails (a half-written file, a
 * mismatched pair) is logged and the certificates in use stay. New connections get the new
 * certificates; open connections keep the ones they were made with.
 */
export class TlsReloader {
  #current: Contexts;
  #server: HttpsServer | undefined;
  #watchers: FSWatcher[] = [];
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** Loads and checks the material at once: throws (a clear start-up error) when it is bad. */
  constructor(
    private readonly source: TlsSource,
    private readonly o: TlsReloaderOptions,
  ) {
    this.#current = build(loadTlsMaterial(source), o);
  }

  get material(): TlsMaterial {
    return this.#current.material;
  }

  /** The options of https.createServer: TLS 1.2-1.3, SNI, client certificates requested (never required). */
  serverOptions(): ServerOptions {
    return {
      ...this.#current.defaultOptions,
      SNICallback: (name, cb) => cb(null, this.contextFor(name)),
      ...(this.o.requestClientCert ? { requestCert: true, rejectUnauthorized: false } : {}),
    };
  }

  /** The context of the SNI certificate for `servername`; undefined: the default certificate. */
  contextFor(servername: string): SecureContext | undefined {
    const name = servername.toLowerCase();
    const c = this.#current;
    const exact = c.exact.get(name);
    if (exact !== undefined) return exact;
    const dot = name.indexOf('.');
    return dot < 0 ? undefined : c.wildcard.get(name.slice(dot));
  }

  /** Serves through `server` and starts watching the files. */
  attach(server: HttpsServer): void {
    this.#server = server;
    this.#watch();
  }

  /** Reads the files again; true when the new certificates are served, false (logged) when they were refused. */
  reload(): boolean {
    if (this.#closed) return false;
    let next: Contexts;
    try {
      next = build(loadTlsMaterial(this.source), this.o);
    } catch (e) {
      this.o.log(`TLS: reload refused, the certificates in use stay: ${(e as Error).message}`);
      return false;
    }
    this.#current = next;
    this.#server?.setSecureContext(next.defaultOptions);
    this.#watch();
    this.o.onReloaded?.(next.material);
    return true;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    for (const w of this.#watchers) w.close();
    this.#watchers = [];
  }

  #watch(): void {
    for (const w of this.#watchers) w.close();
    this.#watchers = [];
    for (const dir of this.#current.material.watch) {
      try {
        const w = watch(dir, { persistent: false }, () => this.#changed());
        w.on('error', () => w.close());
        this.#watchers.push(w);
      } catch {
        // A directory that went away: the next reload watches what exists then.
      }
    }
  }

  #changed(): void {
    if (this.#closed) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.reload();
    }, this.o.settleMs ?? 300);
    this.#timer.unref();
  }
}
