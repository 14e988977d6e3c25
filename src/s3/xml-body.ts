import { parseXml, TesseraError } from '../core/index.js';
import type { S3Request } from './context.js';
import { readVerifiedBody, strictUtf8, type VerifiedBody } from './verified-body.js';

/** Upper bound for XML request bodies (CompleteMultipartUpload with 10,000 parts fits). */
export const MAX_XML_BODY = 2 * 1024 * 1024;

/** A verified body as text. Bytes that are not UTF-8 are MalformedXML, never U+FFFD. */
export function bodyText(body: VerifiedBody): string {
  const text = strictUtf8(body.bytes);
  if (text === undefined) throw new TesseraError('MalformedXML');
  return text;
}

/** A verified body parsed as an XML document with the given root element (MalformedXML otherwise). */
export function parseXmlBody(body: VerifiedBody, root: string): Record<string, unknown> {
  return parseXml(bodyText(body), root);
}

/** Reads a small XML request body (verified as readVerifiedBody does) into a string. */
export async function readXmlBody(req: S3Request): Promise<string> {
  return bodyText(await readVerifiedBody(req, MAX_XML_BODY));
}

/** Reads, verifies and parses an XML request document with the given root element. */
export async function readXmlDocument(req: S3Request, root: string): Promise<Record<string, unknown>> {
  return parseXmlBody(await readVerifiedBody(req, MAX_XML_BODY), root);
}
