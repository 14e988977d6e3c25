import { TesseraError, type XmlNode, xmlText } from '../../core/index.js';
import {
  type DefaultRetention,
  invalidArgument,
  isRetentionMode,
  parseIsoDate,
  type Retention,
} from './lock.js';

/**
 * The Object Lock XML documents: a bucket's <ObjectLockConfiguration> (and its stored form),
 * <Retention> and <LegalHold>.
 */

/** "Days" or "Years" of a default retention: a positive integer (InvalidArgument otherwise). */
function period(value: string | undefined, name: 'Days' | 'Years', max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^-?\d+$/.test(text) || Number(text) <= 0)
    throw invalidArgument('Default retention period must be a positive integer value.', name, text);
  if (Number(text) > max) throw invalidArgument('Default retention period is too large.', name, text);
  return Number(text);
}

/** 100 years, in days and years: the longest default retention Tessera accepts. */
const MAX_DAYS = 36500;
const MAX_YEARS = 100;

function malformed(): TesseraError {
  return new TesseraError('MalformedXML');
}

function fields(value: unknown): Record<string, unknown> {
  if (value === '' || value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw malformed();
  return value as Record<string, unknown>;
}

function single(doc: Record<string, unknown>, name: string): string | undefined {
  const v = doc[name];
  if (Array.isArray(v)) throw malformed();
  if (v !== undefined && typeof v === 'object' && v !== null) throw malformed();
  return xmlText(v);
}

/**
 * An <ObjectLockConfiguration> document: ObjectLockEnabled must be Enabled; an optional
 * Rule/DefaultRetention has a Mode and Days xor Years (MalformedXML otherwise; a period that is
 * not a positive integer is InvalidArgument). Returns the default retention, if any.
 */
export function parseLockConfiguration(doc: Record<string, unknown>): { rule?: DefaultRetention } {
  if (single(doc, 'ObjectLockEnabled')?.trim() !== 'Enabled') throw malformed();
  if (doc['Rule'] === undefined) return {};
  const rule = fields(doc['Rule']);
  const retention = fields(rule['DefaultRetention']);
  if (rule['DefaultRetention'] === undefined) throw malformed();
  const mode = single(retention, 'Mode')?.trim();
  if (mode === undefined || !isRetentionMode(mode)) throw malformed();
  const days = single(retention, 'Days');
  const years = single(retention, 'Years');
  if ((days === undefined) === (years === undefined)) throw malformed();
  const d = period(days, 'Days', MAX_DAYS);
  if (d !== undefined) return { rule: { mode, days: d } };
  return { rule: { mode, years: period(years, 'Years', MAX_YEARS)! } };
}

/** The stored form of a default retention (the bucket's 'object-lock' configuration document). */
export function serializeRule(rule: DefaultRetention): string {
  return JSON.stringify(rule);
}

/** A stored default retention; undefined when there is none (or it cannot be read). */
export function parseStoredRule(document: string | undefined): DefaultRetention | undefined {
  if (document === undefined) return undefined;
  try {
    const v = JSON.parse(document) as Record<string, unknown>;
    const mode = v['mode'];
    if (typeof mode !== 'string' || !isRetentionMode(mode)) return undefined;
    if (typeof v['days'] === 'number' && v['days'] > 0) return { mode, days: v['days'] };
    if (typeof v['years'] === 'number' && v['years'] > 0) return { mode, years: v['years'] };
    return undefined;
  } catch {
    return undefined;
  }
}

/** The <ObjectLockConfiguration> of GetObjectLockConfiguration, as an XML body object. */
export function lockConfigurationXml(rule: DefaultRetention | undefined): XmlNode {
  if (rule === undefined) return { ObjectLockEnabled: 'Enabled' };
  const retention: XmlNode = { Mode: rule.mode };
  if ('days' in rule) retention['Days'] = rule.days;
  else retention['Years'] = rule.years;
  return { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: retention } };
}

/**
 * A <Retention> document (PutObjectRetention): Mode and RetainUntilDate together, or neither
 * (the retention is removed). A mode that is not GOVERNANCE or COMPLIANCE, a date that is not
 * ISO 8601 or only one of the two is MalformedXML; a date not in the future is InvalidArgument.
 */
export function parseRetentionDocument(doc: Record<string, unknown>, now: number): Retention | undefined {
  const mode = single(doc, 'Mode')?.trim();
  const until = single(doc, 'RetainUntilDate')?.trim();
  if (mode === undefined && until === undefined) return undefined;
  if (mode === undefined || until === undefined || !isRetentionMode(mode)) throw malformed();
  const retainUntil = parseIsoDate(until);
  if (retainUntil === undefined) throw malformed();
  if (retainUntil <= now) {
    throw invalidArgument('The retain until date must be in the future!', 'RetainUntilDate', until);
  }
  return { mode, retainUntil };
}

/** A <LegalHold> document: Status ON or OFF (MalformedXML otherwise). */
export function parseLegalHoldDocument(doc: Record<string, unknown>): boolean {
  const status = single(doc, 'Status')?.trim();
  if (status !== 'ON' && status !== 'OFF') throw malformed();
  return status === 'ON';
}
