import { TesseraError } from '../../core/index.js';

/** An `eq` or `starts-with` condition on a form field (a simple condition is an `eq`). */
export interface FieldCondition {
  readonly op: 'eq' | 'starts-with';
  /** The field the condition names, lower-cased, without its `$` (undefined: it has no `$`). */
  readonly field: string | undefined;
  readonly value: string;
  /** The condition as S3 prints it when it fails: `["eq", "$key", "user/eric/"]`. */
  readonly text: string;
}

/** `["content-length-range", min, max]`: the file's size in bytes, both bounds inclusive. */
export interface LengthCondition {
  readonly op: 'content-length-range';
  /** Undefined when a bound is not a number (the condition then fails: 403, as S3 answers). */
  readonly min: number | undefined;
  readonly max: number | undefined;
  readonly text: string;
}

export type PolicyCondition = FieldCondition | LengthCondition;

/** A decoded POST policy: when it expires (epoch ms) and what the form must satisfy. */
export interface PostPolicy {
  readonly expiration: number;
  readonly conditions: readonly PolicyCondition[];
}

/** 400 InvalidPolicyDocument, "Invalid Policy: …" as S3 words it. */
function invalid(detail: string): TesseraError {
  return new TesseraError('InvalidPolicyDocument', `Invalid Policy: ${detail}`);
}

/** "expiration … in ISO8601 GMT date format": `2007-12-01T12:00:00.000Z` (no offset, a `T`). */
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;

function parseExpiration(value: unknown): number {
  // JSON.stringify: String() of {"toString": 1} would throw a TypeError.
  if (typeof value !== 'string') throw invalid(`Invalid 'expiration' value: '${JSON.stringify(value)}'`);
  const m = ISO_UTC.exec(value);
  const ms = m === null ? Number.NaN : Date.parse(value);
  if (m === null || Number.isNaN(ms) || new Date(ms).getUTCDate() !== Number(m[3]))
    throw invalid(`Invalid 'expiration' value: '${value}'`);
  return ms;
}

/** S3 prints conditions as JSON arrays with ", " between the items. */
function render(items: readonly unknown[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
}

function fieldOf(name: string): string | undefined {
  return name.startsWith('$') ? name.slice(1).toLowerCase() : undefined;
}

/** A length bound: an integer, or a string of digits ("5" is accepted as S3 accepts it). */
function bound(v: unknown): number | undefined {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw invalid('Invalid JSON.');
    if (v < 0) throw invalid('Invalid content-length-range: bounds must not be negative.');
    return v;
  }
  if (typeof v === 'string') return /^\d{1,15}$/.test(v) ? Number(v) : undefined;
  throw invalid('Invalid JSON.');
}

function simpleCondition(c: Record<string, unknown>): FieldCondition {
  const names = Object.keys(c);
  if (names.length !== 1)
    throw invalid('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.');
  const name = names[0]!;
  const value = c[name];
  if (value === null) throw invalid('Invalid JSON.');
  if (typeof value !== 'string') throw invalid('Invalid Simple-Condition: value must be a string.');
  // S3 prints a simple condition as the `eq` it stands for.
  return { op: 'eq', field: name.toLowerCase(), value, text: render(['eq', `$${name}`, value]) };
}

function listCondition(c: unknown[]): PolicyCondition {
  const [op, a, b] = c;
  if (typeof op !== 'string') throw invalid('Invalid Condition: missing operation identifier.');
  const kind = op.toLowerCase();
  if (kind !== 'eq' && kind !== 'starts-with' && kind !== 'content-length-range')
    throw invalid(`Invalid Condition: unknown operation '${op}'.`);
  if (c.length !== 3) throw invalid(`Invalid ${kind}: wrong number of arguments.`);
  if (kind === 'content-length-range') return { op: kind, min: bound(a), max: bound(b), text: render(c) };
  if (typeof a !== 'string' || typeof b !== 'string') throw invalid('Invalid JSON.');
  return { op: kind, field: fieldOf(a), value: b, text: render(c) };
}

function decodeBase64(text: string): string {
  const compact = text.replace(/[\r\n\t ]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1)
    throw invalid('invalid Base64 encoding.');
  return Buffer.from(compact, 'base64').toString('utf8');
}

/**
 * Decodes and parses a POST policy (`policy` field: Base64 of a UTF-8 JSON document with exactly
 * `expiration` and `conditions`). Each condition is `{"field": "value"}`, `["eq", "$field",
 * "value"]`, `["starts-with", "$field", "prefix"]` or `["content-length-range", min, max]`;
 * operation and field names are case-insensitive, values are not.
 * Throws InvalidPolicyDocument with S3's "Invalid Policy: …" message.
 * @example parsePostPolicy(Buffer.from('{"expiration":"2030-01-01T00:00:00Z","conditions":[]}').toString('base64'))
 */
export function parsePostPolicy(base64: string): PostPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(decodeBase64(base64));
  } catch (e) {
    if (e instanceof TesseraError) throw e;
    throw invalid('Invalid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('Invalid JSON.');
  const record = doc as Record<string, unknown>;
  for (const name of Object.keys(record))
    if (name !== 'expiration' && name !== 'conditions') throw invalid(`Unexpected: '${name.toLowerCase()}'`);
  if (!('expiration' in record)) throw invalid('Policy missing expiration.');
  const expiration = parseExpiration(record['expiration']);
  if (!('conditions' in record)) throw invalid('Policy missing conditions.');
  const list = record['conditions'];
  if (!Array.isArray(list)) throw invalid("Invalid 'conditions' value: must be a List.");
  const conditions = list.map((c: unknown): PolicyCondition => {
    if (Array.isArray(c)) return listCondition(c);
    if (typeof c === 'object' && c !== null) return simpleCondition(c as Record<string, unknown>);
    throw invalid('Invalid condition test: must be a List or Object.');
  });
  return { expiration, conditions };
}
