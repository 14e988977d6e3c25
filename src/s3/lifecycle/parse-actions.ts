import { TesseraError } from '../../core/index.js';
import {
  type Expiration,
  type NoncurrentExpiration,
  type NoncurrentTransition,
  TRANSITION_STORAGE_CLASSES,
  type Transition,
  type TransitionStorageClass,
} from './model.js';
import { bool, element, type Fields, int, isoDate, malformed, text } from './xml-read.js';

/** A rule's actions, each read and checked as S3 checks it (InvalidArgument for values out of range). */

const arg = (message: string) => new TesseraError('InvalidArgument', message);
const req = (message: string) => new TesseraError('InvalidRequest', message);

/** A Date: ISO 8601 and midnight UTC ("'Date' must be at midnight GMT", InvalidArgument). */
function midnight(value: string | undefined): number {
  const ms = value === undefined ? undefined : isoDate(value);
  if (ms === undefined || ms % 86_400_000 !== 0) throw arg("'Date' must be at midnight GMT");
  return ms;
}

export function positive(n: number | undefined, message: string): number {
  if (n === undefined) throw malformed();
  if (n <= 0) throw arg(message);
  return n;
}

export function parseExpiration(value: unknown): Expiration {
  const f = element(value, ['Days', 'Date', 'ExpiredObjectDeleteMarker']);
  const days = int(f, 'Days');
  const date = text(f, 'Date');
  const marker = bool(f, 'ExpiredObjectDeleteMarker');
  // Exactly one of the three: "This cannot be specified with Days or Date" answers MalformedXML.
  if ([days, date, marker].filter((v) => v !== undefined).length !== 1) throw malformed();
  if (days !== undefined)
    return { kind: 'days', days: positive(days, "'Days' for Expiration action must be a positive integer") };
  if (date !== undefined) return { kind: 'date', date: midnight(date) };
  return { kind: 'deleteMarker', expired: marker! };
}

function storageClass(f: Fields): TransitionStorageClass {
  const cls = text(f, 'StorageClass');
  if (cls === undefined) throw malformed();
  if (!(TRANSITION_STORAGE_CLASSES as readonly string[]).includes(cls))
    throw new TesseraError('InvalidStorageClass');
  return cls as TransitionStorageClass;
}

const INFREQUENT_ACCESS: readonly string[] = ['STANDARD_IA', 'ONEZONE_IA'];

export function parseTransition(value: unknown): Transition {
  const f = element(value, ['Days', 'Date', 'StorageClass']);
  const days = int(f, 'Days');
  const date = text(f, 'Date');
  const cls = storageClass(f);
  if ((days === undefined) === (date === undefined)) throw malformed();
  if (date !== undefined) return { when: { kind: 'date', date: midnight(date) }, storageClass: cls };
  if (days! < 0) throw arg("'Days' in Transition action must be a non-negative integer");
  if (days! < 30 && INFREQUENT_ACCESS.includes(cls))
    throw arg(`'Days' in Transition action must be greater than or equal to 30 for storageClass '${cls}'`);
  return { when: { kind: 'days', days: days! }, storageClass: cls };
}

function newerVersions(f: Fields, v2: boolean): number | undefined {
  const newer = int(f, 'NewerNoncurrentVersions');
  if (newer === undefined) return undefined;
  if (!v2) throw req('NewerNoncurrentVersions element can only be used in Lifecycle V2.');
  if (newer <= 0) throw arg("'NewerNoncurrentVersions' must be a positive integer");
  return newer;
}

export function parseNoncurrentTransition(value: unknown, v2: boolean): NoncurrentTransition {
  const f = element(value, ['NoncurrentDays', 'NewerNoncurrentVersions', 'StorageClass']);
  const days = int(f, 'NoncurrentDays');
  const cls = storageClass(f);
  if (days === undefined) throw malformed();
  if (days < 0)
    throw arg("'NoncurrentDays' in NoncurrentVersionTransition action must be a non-negative integer");
  if (days < 30 && INFREQUENT_ACCESS.includes(cls))
    throw arg(
      `'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30 for storageClass '${cls}'`,
    );
  const t: NoncurrentTransition = { noncurrentDays: days, storageClass: cls };
  const newer = newerVersions(f, v2);
  if (newer !== undefined) t.newerNoncurrentVersions = newer;
  return t;
}

export function parseNoncurrentExpiration(value: unknown, v2: boolean): NoncurrentExpiration {
  const f = element(value, ['NoncurrentDays', 'NewerNoncurrentVersions']);
  const days = positive(
    int(f, 'NoncurrentDays'),
    "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
  );
  const e: NoncurrentExpiration = { noncurrentDays: days };
  const newer = newerVersions(f, v2);
  if (newer !== undefined) e.newerNoncurrentVersions = newer;
  return e;
}
