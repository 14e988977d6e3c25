/**
 * Pooled ldapts connections to one directory, each connected (TLS, or StartTLS first) and bound
 * before use, with every step bounded by the configured timeout: a dead or blackholed directory
 * answers IDPCommunicationError in time, never a hang. A connection that failed at the transport
 * level (or timed out) is dropped and replaced; one the server closed is noticed before reuse.
 */

import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client, ResultCodeError } from 'ldapts';
import { TesseraError } from '../../core/index.js';
import type { LdapDirectoryConfig } from './config.js';

/** How connections to one directory are made (from its configuration, CA file read once). */
export interface LdapEndpoint {
  readonly directory: string;
  readonly url: string;
  readonly startTls: boolean;
  /** For ldaps:// and for StartTLS. */
  readonly tls: ConnectionOptions;
  readonly timeoutMs: number;
}

/** The endpoint of a configuration; `ca` is the CA file's PEM text when it has one. */
export function endpointOf(config: LdapDirectoryConfig, ca?: string): LdapEndpoint {
  const host = new URL(config.url).hostname.replace(/^\[|\]$/g, '');
  const tls: ConnectionOptions = {
    rejectUnauthorized: !config.tlsSkipVerify,
    ...(ca === undefined ? {} : { ca }),
    ...(isIP(host) === 0 ? { servername: host } : {}),
  };
  return {
    directory: config.name,
    url: config.url,
    startTls: config.startTls,
    tls,
    timeoutMs: config.timeoutMs,
  };
}

/** The IDPCommunicationError for a directory that failed at the transport level. */
export function unreachable(directory: string, why: string): TesseraError {
  return new TesseraError(
    'IDPCommunicationError',
    `The LDAP directory ${directory} could not be reached: ${why.split('\n')[0]!.slice(0, 300)}.`,
  );
}

/** Whether `e` is the directory's answer (an LDAP result code) rather than a transport failure. */
export function isDirectoryAnswer(e: unknown): e is ResultCodeError {
  return e instanceof ResultCodeError;
}

/** `p`, or IDPCommunicationError after `ms` (calling `onTimeout` first). */
export async function within<T>(
  p: Promise<T>,
  ms: number,
  directory: string,
  what: string,
  onTimeout: () => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(unreachable(directory, `no answer to ${what} within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes a client without waiting on the server (the socket is destroyed either way). */
export function destroy(client: Client): void {
  client.unbind().catch(() => {});
}

/**
 * A new connection: connected, StartTLS done when configured, bound as `bind` when given; within
 * the timeout, else IDPCommunicationError. A refused lookup bind is IDPCommunicationError too (a
 * configuration problem the caller cannot fix); a refused user bind is rethrown as it is.
 */
export async function connect(
  ep: LdapEndpoint,
  bind?: { dn: string; password: string; lookup: boolean },
): Promise<Client> {
  const client = new Client({
    url: ep.url,
    timeout: ep.timeoutMs,
    connectTimeout: ep.timeoutMs,
    ...(ep.url.startsWith('ldaps:') ? { tlsOptions: ep.tls } : {}),
  });
  const steps = async () => {
    // ldapts connects on the first operation; connect now so that a failure is the connect's.
    // (_connect is ldapts' own connect, private in its types; pinned at 9.2.0.)
    if (!ep.startTls) await (client as unknown as { _connect(): Promise<void> })._connect();
    if (ep.startTls) await client.startTLS({ ...ep.tls });
    if (bind !== undefined) await client.bind(bind.dn, bind.password);
  };
  try {
    await within(steps(), ep.timeoutMs, ep.directory, ep.startTls ? 'connect and StartTLS' : 'connect', () =>
      destroy(client),
    );
    return client;
  } catch (e) {
    destroy(client);
    if (e instanceof TesseraError) throw e;
    if (isDirectoryAnswer(e)) {
      if (bind?.lookup === false) throw e;
      throw unreachable(ep.directory, `the lookup bind was refused (${e.message})`);
    }
    throw unreachable(ep.directory, (e as Error).message ?? String(e));
  }
}

interface Waiter {
  resolve(c: Client | undefined): void;
}

/**
 * At most `size` connections bound as `bind` (the lookup DN); `use` lends one to a callback,
 * bounded by the timeout. Connections broken at the transport level are dropped, and waiting
 * callers get a fresh one.
 */
export class LdapPool {
  private readonly idle: Client[] = [];
  private readonly waiters: Waiter[] = [];
  private open = 0;
  private closed = false;

  constructor(
    private readonly ep: LdapEndpoint,
    private readonly size: number,
    private readonly bind: { dn: string; password: string; lookup: boolean } | undefined,
  ) {}

  /** Connections open now (idle or lent). */
  get connections(): number {
    return this.open;
  }

  /**
   * Runs `fn` on a pooled connection within the timeout; rethrows the directory's answers. When
   * an idle connection turns out to be broken (the server closed it meanwhile), `fn` runs once
   * more on a new one (binds and searches are idempotent); a timeout is never retried.
   */
  async use<T>(what: string, fn: (client: Client) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const { client, reused } = await this.acquire();
      let broken = false;
      let timedOut = false;
      try {
        return await within(fn(client), this.ep.timeoutMs, this.ep.directory, what, () => {
          broken = true;
          timedOut = true;
          destroy(client);
        });
      } catch (e) {
        if (e instanceof TesseraError || isDirectoryAnswer(e)) {
          if (!isDirectoryAnswer(e)) broken = true;
          throw e;
        }
        broken = true;
        if (reused && !timedOut && attempt === 0) continue;
        throw unreachable(this.ep.directory, (e as Error).message ?? String(e));
      } finally {
        this.release(client, broken);
      }
    }
  }

  private usable(c: Client): boolean {
    return c.isConnected && (this.bind === undefined || c.isBound);
  }

  private async acquire(): Promise<{ client: Client; reused: boolean }> {
    if (this.closed) throw unreachable(this.ep.directory, 'the pool is closed');
    while (this.idle.length > 0) {
      const c = this.idle.pop()!;
      if (this.usable(c)) return { client: c, reused: true };
      this.open--;
      destroy(c);
    }
    if (this.open < this.size) return { client: await this.create(), reused: false };
    const waiter: Waiter = { resolve: () => {} };
    const lent = new Promise<Client | undefined>((resolve) => {
      waiter.resolve = resolve;
    });
    this.waiters.push(waiter);
    const got = await within(
      lent,
      this.ep.timeoutMs,
      this.ep.directory,
      `a free connection (all ${this.size} busy)`,
      () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
      },
    );
    // undefined: a connection was dropped, so there is room for a new one.
    return got === undefined ? { client: await this.create(), reused: false } : { client: got, reused: true };
  }

  private async create(): Promise<Client> {
    this.open++;
    try {
      return await connect(this.ep, this.bind);
    } catch (e) {
      this.open--;
      this.waiters.shift()?.resolve(undefined);
      throw e;
    }
  }

  private release(c: Client, broken: boolean): void {
    if (broken || this.closed || !this.usable(c)) {
      this.open--;
      destroy(c);
      if (!this.closed) this.waiters.shift()?.resolve(undefined);
      return;
    }
    const w = this.waiters.shift();
    if (w !== undefined) w.resolve(c);
    else this.idle.push(c);
  }

  /** Closes every idle connection; lent ones close when returned. */
  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    this.open -= idle.length;
    await Promise.all(idle.map((c) => c.unbind().catch(() => {})));
    for (const w of this.waiters.splice(0)) w.resolve(undefined);
  }
}
