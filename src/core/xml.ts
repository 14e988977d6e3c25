import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { TesseraError } from './errors.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

/**
 * Escapes text for XML element content or attribute values. A carriage return is written as a
 * reference: a literal one would reach the client's parser as a line feed (XML 1.0 §2.11).
 */
const NEEDS_ESCAPE = /[&<>"'\r]/;

export function escapeXml(text: string): string {
  // Most values (keys, ids, dates, numbers) need nothing: test before building a copy.
  return NEEDS_ESCAPE.test(text) ? text.replace(/[&<>"'\r]/g, (c) => ESCAPES[c]!) : text;
}

/**
 * A node for `renderXml`: element children are objects, arrays repeat the element, scalars are
 * text. Under the name '' an array of nodes renders each node's children in order, without an
 * element of its own: siblings of different names interleaved (ListObjectVersions).
 */
export type XmlValue = string | number | boolean | undefined | null | XmlNode | XmlValue[];
export interface XmlNode {
  [name: string]: XmlValue;
}

function renderValue(name: string, value: XmlValue, out: string[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const v of value) renderValue(name, v, out);
    return;
  }
  if (typeof value === 'object' && name === '') {
    // A sequence: children in the order given, no element of its own (interleaved siblings).
    for (const [k, v] of Object.entries(value)) renderValue(k, v, out);
    return;
  }
  if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [k, v] of Object.entries(value)) renderValue(k, v, out);
    out.push(`</${name}>`);
    return;
  }
  const text = typeof value === 'string' ? escapeXml(value) : String(value);
  out.push(`<${name}>${text}</${name}>`);
}

/**
 * Renders an S3-style XML document with the given root element and namespace.
 * @example renderXml('LocationConstraint', {}, 'us-east-1')
 */
export function renderXml(
  root: string,
  body: XmlNode | string,
  ns = 'http://s3.amazonaws.com/doc/2006-03-01/',
): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  out.push(ns ? `<${root} xmlns="${ns}">` : `<${root}>`);
  if (typeof body === 'string') out.push(escapeXml(body));
  else for (const [k, v] of Object.entries(body)) renderValue(k, v, out);
  out.push(`</${root}>`);
  return out.join('');
}

/** XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** A character XML 1.0 does not allow anywhere in a document (lone surrogates included). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** True when `text` can appear in an XML document (every character is an XML 1.0 Char). */
export function isXmlText(text: string): boolean {
  return !NOT_XML_CHAR.test(text);
}

/** The five entities XML predefines; no others exist without a DTD, and DTDs are refused. */
const PREDEFINED = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

function malformed(): TesseraError {
  return new TesseraError('MalformedXML');
}

/** One reference's replacement: a predefined entity or a decimal / hex character reference. */
function decodeReference(name: string): string {
  const named = PREDEFINED.get(name);
  if (named !== undefined) return named;
  let cp: number;
  if (/^#x[0-9a-fA-F]{1,8}$/.test(name)) cp = Number.parseInt(name.slice(2), 16);
  else if (/^#[0-9]{1,10}$/.test(name)) cp = Number(name.slice(1));
  else throw malformed();
  // "Characters referred to using character references MUST match the production for Char."
  if (!isXmlChar(cp)) throw malformed();
  return String.fromCodePoint(cp);
}

/** "… translating both the two-character sequence #xD #xA and any #xD that is not followed by #xA to a single #xA." */
function normalizeLineEnds(raw: string): string {
  return raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
}

/**
 * Decodes the text of one text node in a single pass: line ends normalized (a literal CR LF or CR
 * is LF, as XML 1.0 §2.11 says; a CR written as `&#xD;` stays), then every `&…;` replaced.
 * One pass means `&amp;#34;` yields the literal text `&#34;`, never a quote.
 */
function decodeText(raw: string): string {
  // "The right angle bracket (>) … MUST … be escaped … when it appears in the string ']]>' in content."
  if (raw.includes(']]>')) throw malformed();
  const text = normalizeLineEnds(raw);
  if (!text.includes('&')) return text;
  return text.replace(/&([^&;]*)(;?)/g, (_m, name: string, semi: string) => {
    if (semi !== ';') throw malformed();
    return decodeReference(name);
  });
}

/** Limits of what Tessera reads as XML: S3 request documents are a few levels deep. */
const MAX_DEPTH = 32;

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  // References are decoded here (decodeText), in one pass and only the ones XML defines.
  processEntities: false,
  htmlEntities: false,
  preserveOrder: true,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_DEPTH,
});

type OrderedNode = Record<string, unknown>;

function elementName(node: OrderedNode): string | undefined {
  for (const k of Object.keys(node)) if (k !== ':@' && k !== '#text' && k !== '#cdata') return k;
  return undefined;
}

function cdataText(node: OrderedNode): string {
  const inner = node['#cdata'] as OrderedNode[];
  return normalizeLineEnds(inner.map((t) => String(t['#text'] ?? '')).join(''));
}

/**
 * Turns an element's ordered children into the plain shape handlers read: text only → the decoded
 * string; child elements → an object (null prototype) whose repeated names are arrays. Text beside
 * child elements must be whitespace (S3 documents have no mixed content).
 */
function toValue(children: OrderedNode[], depth: number): unknown {
  if (depth > MAX_DEPTH) throw malformed();
  let text = '';
  let obj: Record<string, unknown> | undefined;
  for (const node of children) {
    if ('#text' in node) {
      text += decodeText(String(node['#text']));
      continue;
    }
    if ('#cdata' in node) {
      text += cdataText(node);
      continue;
    }
    const name = elementName(node);
    if (name === undefined) continue;
    obj ??= Object.create(null) as Record<string, unknown>;
    const value = toValue(node[name] as OrderedNode[], depth + 1);
    const previous = obj[name];
    if (previous === undefined) obj[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else obj[name] = [previous, value];
  }
  if (obj === undefined) return text;
  if (text.trim() !== '') throw malformed();
  return obj;
}

/**
 * Parses a request body as XML into plain objects (repeated elements become arrays, text is
 * decoded). Throws MalformedXML for anything that is not one well-formed element named `root`:
 * no DTD (so no entities beyond the five predefined ones and character references), no
 * characters XML 1.0 forbids, at most MAX_DEPTH levels.
 */
export function parseXml(text: string, root: string): Record<string, unknown> {
  if (text.trim() === '' || !isXmlText(text) || /<!DOCTYPE/i.test(text)) throw malformed();
  let value: unknown;
  try {
    if (XMLValidator.validate(text) !== true) throw malformed();
    const nodes = parser.parse(text) as OrderedNode[];
    const elements = nodes.filter((n) => elementName(n) !== undefined);
    const stray = nodes.some((n) => '#cdata' in n || ('#text' in n && String(n['#text']).trim() !== ''));
    if (elements.length !== 1 || stray || elementName(elements[0]!) !== root) throw malformed();
    value = toValue(elements[0]![root] as OrderedNode[], 1);
  } catch (e) {
    // Whatever the parser throws (including a RangeError from deep input) is the client's XML.
    if (e instanceof TesseraError) throw e;
    throw malformed();
  }
  if (typeof value === 'string') {
    if (value.trim() !== '') throw malformed();
    return Object.create(null) as Record<string, unknown>;
  }
  return value as Record<string, unknown>;
}

/** Returns a parsed XML child as an array (an element that appeared once is a single value). */
export function xmlList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** Returns a parsed XML child as text, or undefined. */
export function xmlText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
