import { decodeParent, encodeParent } from '../iam/pg-iam-revocations.js';

/**
 * How one column moves from SQLite to PostgreSQL, chosen from the two declared types (and, for
 * one column, from what the PostgreSQL store stores there):
 *  - `text`: TEXT → text, the same string (read as its stored bytes, which must be valid UTF-8:
 *    nothing is replaced on the way);
 *  - `int`: INTEGER → bigint, integer or smallint, read as a 64-bit integer (exact), bound as
 *    its decimal text;
 *  - `bool`: INTEGER 0/1 → boolean (iam_ldap_users.suspended);
 *  - `bytes`: BLOB → bytea, the same bytes;
 *  - `utf8`: TEXT → bytea (object and upload keys, change-feed names): the TEXT's stored UTF-8
 *    bytes, read with CAST(… AS BLOB) so that nothing is decoded and re-encoded;
 *  - `parent`: iam_revocations.parent, TEXT → text with NUL as `\0` and `\` as `\\`, as the
 *    PostgreSQL store keeps it (pg-iam-revocations.ts).
 */
export type Conversion = 'text' | 'int' | 'bool' | 'bytes' | 'utf8' | 'parent';

export interface Column {
  readonly name: string;
  readonly conversion: Conversion;
}

/** Columns whose conversion is not implied by their types. */
const SPECIAL: Readonly<Record<string, Conversion>> = { 'iam_revocations.parent': 'parent' };

/** The conversion for a column of `sqliteType` (as declared) into `pgType` (information_schema), or undefined. */
export function conversionOf(
  table: string,
  column: string,
  sqliteType: string,
  pgType: string,
): Conversion | undefined {
  const s = sqliteType.toUpperCase();
  const special = SPECIAL[`${table}.${column}`];
  if (special !== undefined) return s === 'TEXT' && pgType === 'text' ? special : undefined;
  if (s === 'TEXT' && pgType === 'text') return 'text';
  if (s === 'TEXT' && pgType === 'bytea') return 'utf8';
  if (s === 'BLOB' && pgType === 'bytea') return 'bytes';
  if (s === 'INTEGER' && ['bigint', 'integer', 'smallint'].includes(pgType)) return 'int';
  if (s === 'INTEGER' && pgType === 'boolean') return 'bool';
  return undefined;
}

const TEXT_SOURCE: ReadonlySet<Conversion> = new Set(['text', 'utf8', 'parent']);

/** The SQLite select expression of a column: TEXT columns as their stored bytes. */
export function sqliteSelect(c: Column): string {
  const id = `"${c.name.replace(/"/g, '""')}"`;
  return TEXT_SOURCE.has(c.conversion) ? `CAST(${id} AS BLOB) AS ${id}` : id;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Stored TEXT bytes as a string; invalid UTF-8 is an error, never replaced. */
function text(b: Buffer): string {
  try {
    return utf8.decode(b);
  } catch {
    throw new Error('text that is not valid UTF-8');
  }
}

/** What a SQLite value (safe integers: bigint) is bound as in PostgreSQL. */
export function toPg(c: Column, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (c.conversion) {
    case 'int':
      return String(v);
    case 'bool':
      if (v !== 0n && v !== 1n) throw new Error(`a value other than 0 or 1 (${String(v)})`);
      return v === 1n;
    case 'parent':
      return encodeParent(text(v as Buffer));
    case 'text':
      return text(v as Buffer);
    case 'bytes':
    case 'utf8':
      return v;
    default:
      return unhandled(c.conversion);
  }
}

/**
 * A value in one form for both sides, for the digest: null, an integer (decimal text), text or
 * bytes (text as its UTF-8 bytes). From SQLite (as read by sqliteSelect, safe integers) and from PostgreSQL (pg's default
 * parsers: bigint as text, integer as number, bytea as Buffer, boolean as boolean).
 */
export type Canonical = null | { int: string } | { text: Buffer } | { bytes: Buffer };

export function canonicalSqlite(c: Column, v: unknown): Canonical {
  if (v === null || v === undefined) return null;
  switch (c.conversion) {
    case 'int':
    case 'bool':
      return { int: String(v) };
    case 'text':
    case 'parent':
      return { text: v as Buffer };
    case 'bytes':
    case 'utf8':
      return { bytes: v as Buffer };
    default:
      return unhandled(c.conversion);
  }
}

export function canonicalPg(c: Column, v: unknown): Canonical {
  if (v === null || v === undefined) return null;
  switch (c.conversion) {
    case 'int':
      return { int: String(v) };
    case 'bool':
      return { int: v === true ? '1' : '0' };
    case 'text':
      return { text: Buffer.from(v as string, 'utf8') };
    case 'parent':
      return { text: Buffer.from(decodeParent(v as string), 'utf8') };
    case 'bytes':
    case 'utf8':
      return { bytes: v as Buffer };
    default:
      return unhandled(c.conversion);
  }
}

function unhandled(c: never): never {
  throw new Error(`unknown conversion ${String(c)}`);
}
