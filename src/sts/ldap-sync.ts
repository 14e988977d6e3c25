import { randomBytes } from 'node:crypto';
import { isTesseraError } from '../core/index.js';
import type { IamService, LdapSyncOutcome } from '../iam/index.js';
import type { LdapDirectories } from '../idp/index.js';

/** TESSERA_IDENTITY_LDAP_SYNC_INTERVAL's default (MinIO has no such job). */
export const DEFAULT_LDAP_SYNC_INTERVAL_MS = 60_000;
/** Directory lookups at once. */
const CONCURRENCY = 4;

export interface LdapSyncOptions {
  readonly iam: IamService;
  readonly directories: LdapDirectories;
  readonly intervalMs?: number;
  /** Where a pass that changed something, or could not reach a directory, is told (counts only). */
  readonly log?: (message: string, err?: unknown) => void;
  readonly concurrency?: number;
  /** Each user the pass changed (for an audit entry once the audit trail takes internal events). */
  readonly onChange?: (change: LdapSyncChange) => void;
}

/** One user a pass changed: its directory user (the name bucket policies and revocations use). */
export interface LdapSyncChange {
  readonly directory: string;
  readonly user: string;
  readonly outcome: Exclude<LdapSyncOutcome, 'unchanged'>;
  /** The state the directory reported. */
  readonly state: 'active' | 'missing' | 'disabled';
}

/** What one pass did. */
export interface LdapSyncReport {
  checked: number;
  unchanged: number;
  /** Groups changed, or missing ↔ disabled. */
  updated: number;
  /** Found missing or disabled: sessions revoked, service accounts refused. */
  removed: number;
  /** Active again: service accounts work again (revoked sessions stay revoked). */
  restored: number;
  /** Not checked: their directory could not be reached (nothing changed for them). */
  unreachable: number;
  /** Not checked: their directory is no longer configured, or the lookup failed otherwise. */
  skipped: number;
  /** Another process holds the sync lease: this one did nothing. */
  leased?: true;
}

function emptyReport(): LdapSyncReport {
  return { checked: 0, unchanged: 0, updated: 0, removed: 0, restored: 0, unreachable: 0, skipped: 0 };
}

/**
 * The directory sync (docs/ldap.md "Directory sync"): every interval, each LDAP user seen (at a
 * login, or by `svcacct add --ldap-user`) is looked up in its directory. Missing or disabled
 * (AD's ACCOUNTDISABLE): its state is stored — its sessions and service accounts are refused at
 * once (iam/ldap-identities.ts) — and its sessions are revoked, so that a namesake created later
 * does not inherit them. Active again: its service accounts work again. Changed groups: stored,
 * so its sessions' policies follow. A directory that cannot be reached changes nothing. One
 * process of a deployment runs a pass at a time (a lease in the IAM store).
 */
export class LdapSync {
  readonly #o: LdapSyncOptions;
  readonly #intervalMs: number;
  readonly #holder = `${process.pid}-${randomBytes(6).toString('hex')}`;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<LdapSyncReport> | undefined;

  constructor(o: LdapSyncOptions) {
    this.#o = o;
    this.#intervalMs = o.intervalMs ?? DEFAULT_LDAP_SYNC_INTERVAL_MS;
  }

  start(): void {
    if (this.#timer !== undefined || this.#intervalMs <= 0) return;
    this.#timer = setInterval(
      () => void this.run().catch((e) => this.#o.log?.('ldap sync: pass failed', e)),
      this.#intervalMs,
    );
    this.#timer.unref();
  }

  /** Stops the timer and waits for a pass under way. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** One pass now (concurrent calls share it). */
  run(): Promise<LdapSyncReport> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<LdapSyncReport> {
    const { iam, directories } = this.#o;
    const report = emptyReport();
    const now = Date.now();
    // Held for two intervals: a process that dies hands the job on soon after.
    if (!(await iam.ldap.claimSyncLease(this.#holder, now, now + 2 * this.#intervalMs + 1000)))
      return { ...report, leased: true };
    const users = await iam.ldap.listUsers();
    const known = new Set(directories.names);
    const down = new Set<string>();
    const unchanged: { directory: string; dn: string }[] = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < users.length; i = next++) {
        const u = users[i]!;
        if (!known.has(u.directory) || down.has(u.directory)) {
          if (down.has(u.directory)) report.unreachable++;
          else report.skipped++;
          continue;
        }
        let found: Awaited<ReturnType<LdapDirectories['lookupUser']>>;
        try {
          found = await directories.lookupUser(u.directory, u.dn);
        } catch (e) {
          if (isTesseraError(e, 'IDPCommunicationError')) {
            down.add(u.directory);
            report.unreachable++;
          } else {
            report.skipped++;
            this.#o.log?.(`ldap sync: looking up a user of directory ${u.directory} failed`, e);
          }
          continue;
        }
        report.checked++;
        const outcome = await iam.ldap.applySync(
          u,
          found.state === 'active' ? { state: 'active', groupDns: found.groupDns } : { state: found.state },
        );
        report[outcome]++;
        if (outcome === 'unchanged') {
          unchanged.push({ directory: u.directory, dn: u.dn });
          continue;
        }
        const user = iam.ldap.userName(u.directory, u.dn);
        // Every session of the user (and of its service accounts) issued until now.
        if (outcome === 'removed') await iam.revocations.revoke(u.account, { kind: 'user', name: user });
        this.#o.onChange?.({ directory: u.directory, user, outcome, state: found.state });
      }
    };
    const n = Math.max(1, Math.min(this.#o.concurrency ?? CONCURRENCY, users.length));
    await Promise.all(Array.from({ length: n }, worker));
    await iam.ldap.touch(unchanged);
    if (report.updated + report.removed + report.restored + report.unreachable > 0) {
      const unreachable = down.size === 0 ? '' : ` (unreachable: ${[...down].sort().join(', ')})`;
      this.#o.log?.(
        `ldap sync: ${report.checked} users checked, ${report.updated} updated, ${report.removed} removed or disabled (sessions revoked), ${report.restored} active again, ${report.unreachable} not checked${unreachable}`,
      );
    }
    return report;
  }
}
