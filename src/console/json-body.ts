import type { IncomingMessage } from 'node:http';
import { TesseraError } from '../core/index.js';
import { readAll } from './upstream.js';

/** Reads a small JSON object body (sign-in, presign, validate), refusing anything else. */
export async function readJsonObject(
  req: IncomingMessage,
  limit = 256 * 1024,
): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new TesseraError('InvalidArgument', 'The body must be application/json.');
  const raw = await readAll(req, limit);
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new TesseraError('InvalidArgument', 'The body is not valid JSON.');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new TesseraError('InvalidArgument', 'The body must be a JSON object.');
  return v as Record<string, unknown>;
}

/** A required non-empty string field. */
export function stringField(body: Record<string, unknown>, name: string, max = 4096): string {
  const v = body[name];
  if (typeof v !== 'string' || v === '' || v.length > max)
    throw new TesseraError('InvalidArgument', `${name} must be a non-empty string.`);
  return v;
}
