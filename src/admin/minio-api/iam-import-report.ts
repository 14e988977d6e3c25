import type { TesseraError } from '../../core/index.js';

/** The entity lists of madmin.IAMEntities / IAMErrEntities. */
export type ReportKind =
  | 'policies'
  | 'users'
  | 'groups'
  | 'serviceAccounts'
  | 'userPolicies'
  | 'groupPolicies'
  | 'stsPolicies';

/** A failed entity: madmin's IAMErrEntity / IAMErrPolicyEntity, the error as code and message. */
interface Failure {
  name: string;
  policies?: string[];
  errorCode: string;
  errorMessage: string;
}

type Entry = string | Record<string, string[]>;
type Lists<T> = Partial<Record<ReportKind, T[]>>;

/**
 * What an IAM import did (or, in a dry run, would do), as madmin.ImportIAMResult's JSON:
 * `{skipped, removed, added, failed}`, each with the lists that are not empty. A mapping is
 * `{entity: [policies]}`. A failure carries `errorCode` and `errorMessage` instead of madmin's
 * `error` field: MinIO marshals a Go error there as `{}`, which madmin-go cannot read back, so
 * Tessera leaves it out (madmin-go ignores the other two fields).
 */
export class ImportReport {
  readonly #skipped: Lists<Entry> = {};
  readonly #removed: Lists<Entry> = {};
  readonly #added: Lists<Entry> = {};
  readonly #failed: Lists<Failure> = {};

  static #push<T>(lists: Lists<T>, kind: ReportKind, v: T): void {
    const list = lists[kind] ?? [];
    list.push(v);
    lists[kind] = list;
  }

  static #entry(name: string, policies?: string[]): Entry {
    return policies === undefined ? name : { [name]: policies };
  }

  add(kind: ReportKind, name: string, policies?: string[]): void {
    ImportReport.#push(this.#added, kind, ImportReport.#entry(name, policies));
  }
  skip(kind: ReportKind, name: string): void {
    ImportReport.#push(this.#skipped, kind, name);
  }
  remove(kind: ReportKind, name: string): void {
    ImportReport.#push(this.#removed, kind, name);
  }
  fail(kind: ReportKind, name: string, e: TesseraError, policies?: string[]): void {
    ImportReport.#push(this.#failed, kind, {
      name,
      ...(policies === undefined ? {} : { policies }),
      errorCode: e.code,
      errorMessage: e.message,
    });
  }

  /** How many entities each outcome has (the audit entry's `after`). */
  counts(): { added: number; skipped: number; removed: number; failed: number } {
    const n = (l: Lists<unknown>) => Object.values(l).reduce((sum, v) => sum + (v?.length ?? 0), 0);
    return {
      added: n(this.#added),
      skipped: n(this.#skipped),
      removed: n(this.#removed),
      failed: n(this.#failed),
    };
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const lists = {
      skipped: this.#skipped,
      removed: this.#removed,
      added: this.#added,
      failed: this.#failed,
    };
    for (const [k, v] of Object.entries(lists)) if (Object.keys(v).length > 0) out[k] = v;
    return out;
  }
}
