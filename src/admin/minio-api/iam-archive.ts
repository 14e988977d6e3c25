import { TesseraError } from '../../core/index.js';
import { DIR } from './iam-export.js';
import type { ZipEntry } from './zip.js';

/** Reading MinIO's IAM archive (`iam-assets/*.json`) for import-iam (iam-import.ts). */
type Json = Record<string, unknown>;

/** A file of the archive parsed as a JSON object (absent: undefined); XMinioAdminConfigBadJSON. */
export function objectFile(entries: readonly ZipEntry[], name: string): Json | undefined {
  const e = entries.find((x) => x.name === `${DIR}/${name}`);
  if (e === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(e.data.toString('utf8'));
  } catch {
    throw new TesseraError('XMinioAdminConfigBadJSON', `${name} is not JSON.`);
  }
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw new TesseraError('XMinioAdminConfigBadJSON', `${name} is not a JSON object.`);
  return v as Json;
}

export function field(o: unknown, name: string): unknown {
  return typeof o === 'object' && o !== null ? (o as Json)[name] : undefined;
}
export function text(o: unknown, name: string): string {
  const v = field(o, name);
  return typeof v === 'string' ? v : '';
}
/** MinIO's MappedPolicy.policy (comma-joined; newer exports may use an array). */
export function policyList(o: unknown): string[] {
  const v = field(o, 'policy');
  const all = Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : String(v ?? '').split(',');
  return all.map((s) => s.trim()).filter((s) => s !== '');
}
/** MinIO's policy.IsEmpty: a document without statements (import removes the policy). */
export function emptyPolicy(doc: unknown): boolean {
  const s = field(doc, 'Statement');
  return s === undefined || s === null || (Array.isArray(s) && s.length === 0);
}
