import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { TesseraError } from './errors.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for XML element content or attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A node for `renderXml`: element children are objects, arrays repeat the element, scalars are text. */
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
  if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [k, v] of Object.entries(value)) renderValue(k, v, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
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

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  isArray: () => false,
});

/**
 * Parses a request body as XML into plain objects (repeated elements become arrays).
 * Throws MalformedXML for anything that is not well-formed or lacks the expected root.
 */
export function parseXml(text: string, root: string): Record<string, unknown> {
  if (text.trim() === '' || XMLValidator.validate(text) !== true) throw new TesseraError('MalformedXML');
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch {
    throw new TesseraError('MalformedXML');
  }
  const value = doc[root];
  if (value === undefined) throw new TesseraError('MalformedXML');
  if (value === '' || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new TesseraError('MalformedXML');
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
