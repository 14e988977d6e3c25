import { TesseraError } from '../../core/index.js';
import { element, type Fields, malformed, repeated, single } from '../lifecycle/xml-read.js';
import { type CorsConfiguration, type CorsMethod, type CorsRule, isCorsMethod } from './model.js';

/** "You can add up to 100 rules to the configuration." More is MalformedXML, as S3 answers. */
export const MAX_CORS_RULES = 100;
/** "ID … The value cannot be longer than 255 characters." */
export const MAX_CORS_ID = 255;

const RULE_FIELDS = [
  'ID',
  'AllowedOrigin',
  'AllowedMethod',
  'AllowedHeader',
  'ExposeHeader',
  'MaxAgeSeconds',
] as const;

const invalid = (message: string) => new TesseraError('InvalidRequest', message);

/** Every occurrence of a text element (an element inside one is MalformedXML). */
function texts(f: Fields, name: string): string[] {
  return repeated(f, name).map((v) => {
    if (typeof v !== 'string') throw malformed();
    return v;
  });
}

function optionalText(f: Fields, name: string): string | undefined {
  const v = single(f, name);
  if (v !== undefined && typeof v !== 'string') throw malformed();
  return v;
}

/** MaxAgeSeconds: a non-negative xsd:int (leading zeros allowed, surrounding spaces collapsed). */
function maxAge(f: Fields): number | undefined {
  const t = optionalText(f, 'MaxAgeSeconds')?.trim();
  if (t === undefined) return undefined;
  if (!/^\+?\d{1,10}$/.test(t)) throw malformed();
  const n = Number(t);
  if (n > 2 ** 31 - 1) throw malformed();
  return n;
}

const twoWildcards = (v: string) => v.indexOf('*') !== v.lastIndexOf('*');

/** The schema part of a rule: what S3 answers MalformedXML for. */
function readRule(value: unknown): CorsRule & { readonly methods: readonly string[] } {
  if (value === '') throw malformed();
  const f = element(value, RULE_FIELDS);
  const allowedOrigins = texts(f, 'AllowedOrigin');
  const methods = texts(f, 'AllowedMethod');
  if (allowedOrigins.length === 0 || methods.length === 0) throw malformed();
  const id = optionalText(f, 'ID');
  if (id !== undefined && id.length > MAX_CORS_ID) throw malformed();
  const maxAgeSeconds = maxAge(f);
  return {
    ...(id === undefined ? {} : { id }),
    allowedOrigins,
    allowedMethods: [],
    methods,
    allowedHeaders: texts(f, 'AllowedHeader'),
    exposeHeaders: texts(f, 'ExposeHeader'),
    ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }),
  };
}

/** S3's value checks of one rule, in S3's order: methods, origins, allowed headers, exposed headers. */
function checkRule(rule: CorsRule & { readonly methods: readonly string[] }): CorsRule {
  for (const m of rule.methods)
    if (!isCorsMethod(m))
      throw invalid(`Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
  for (const o of rule.allowedOrigins)
    if (twoWildcards(o)) throw invalid(`AllowedOrigin "${o}" can not have more than one wildcard.`);
  for (const h of rule.allowedHeaders)
    if (twoWildcards(h)) throw invalid(`AllowedHeader "${h}" can not have more than one wildcard.`);
  for (const h of rule.exposeHeaders)
    if (h.includes('*'))
      throw invalid(
        `ExposeHeader "${h}" contains wildcard. We currently do not support wildcard for ExposeHeader.`,
      );
  const { methods, ...kept } = rule;
  return { ...kept, allowedMethods: methods as CorsMethod[] };
}

/**
 * Reads and checks a <CORSConfiguration> document (its root's children, as parseXml gives them)
 * as S3 does: first the whole document against the schema (1–100 rules, each with at least one
 * AllowedOrigin and AllowedMethod, an ID of at most 255 characters, one MaxAgeSeconds ≥ 0: else
 * MalformedXML), then each rule's values in order (InvalidRequest). The first fault is the answer.
 * @example parseCors(parseXml(body, 'CORSConfiguration'))
 */
export function parseCors(doc: Record<string, unknown>): CorsConfiguration {
  const root = element(doc, ['CORSRule']);
  const rulesXml = repeated(root, 'CORSRule');
  if (rulesXml.length === 0 || rulesXml.length > MAX_CORS_RULES) throw malformed();
  const read = rulesXml.map(readRule);
  return { rules: read.map(checkRule) };
}
