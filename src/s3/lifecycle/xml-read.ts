import { TesseraError } from '../../core/index.js';

/**
 * Strict readers of a parsed XML document (core/xml.ts's shape) against S3's lifecycle schema:
 * an element S3's schema does not have there, a repeated single element, text where elements
 * belong or a value of the wrong type is MalformedXML, as S3 answers a document that "did not
 * validate against our published schema".
 */

export type Fields = Record<string, unknown>;

export function malformed(): TesseraError {
  return new TesseraError('MalformedXML');
}

/** An element with children: only `allowed` names; an empty element is one without any. */
export function element(value: unknown, allowed: readonly string[]): Fields {
  if (value === '' || value === undefined) return Object.create(null) as Fields;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed();
  const fields = value as Fields;
  for (const name of Object.keys(fields)) if (!allowed.includes(name)) throw malformed();
  return fields;
}

/** A child that may appear at most once. */
export function single(fields: Fields, name: string): unknown {
  const v = fields[name];
  if (Array.isArray(v)) throw malformed();
  return v;
}

/** A child that may repeat, as a list. */
export function repeated(fields: Fields, name: string): unknown[] {
  const v = fields[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** A text child (undefined when absent). */
export function text(fields: Fields, name: string): string | undefined {
  const v = single(fields, name);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw malformed();
  return v;
}

const INT = /^[+-]?\d+$/;

/** An xsd:int child. */
export function int(fields: Fields, name: string): number | undefined {
  const t = text(fields, name)?.trim();
  if (t === undefined) return undefined;
  if (!INT.test(t)) throw malformed();
  const n = Number(t);
  if (n > 2 ** 31 - 1 || n < -(2 ** 31)) throw malformed();
  return n;
}

/** An xsd:long child (a value beyond 2^53 is kept as the nearest double: range checks still hold). */
export function long(fields: Fields, name: string): number | undefined {
  const t = text(fields, name)?.trim();
  if (t === undefined) return undefined;
  if (!INT.test(t) || t.replace(/^[+-]?0*/, '').length > 19) throw malformed();
  return Number(t);
}

/** An xsd:boolean child. */
export function bool(fields: Fields, name: string): boolean | undefined {
  const t = text(fields, name)?.trim();
  if (t === undefined) return undefined;
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw malformed();
}

const DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * An ISO 8601 date or date-time (no zone: UTC) as epoch ms, or undefined when it is not one.
 * Fractions of a millisecond that are not zero make it "not midnight", so they are kept as NaN.
 */
export function isoDate(value: string): number | undefined {
  const m = DATE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 24 || Number(mi) > 59 || Number(s) > 60)
    return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  if (new Date(Date.UTC(Number(y), month - 1, day)).getUTCDate() !== day) return undefined;
  if (/[1-9]/.test(frac)) ms += 1;
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}
