import { STATEMENT_FIELDS } from './parse/statement.js';
import type { PolicyDocument } from './types.js';

/**
 * Renders a document as canonical JSON (fixed field order, lists as arrays, values as strings).
 * `parsePolicy(serializePolicy(doc))` deep-equals `doc`.
 * @example serializePolicy(builtinPolicy('readonly'), 2)
 */
export function serializePolicy(doc: PolicyDocument, indent?: number): string {
  const out: Record<string, unknown> = {};
  if (doc.Version !== undefined) out.Version = doc.Version;
  if (doc.Id !== undefined) out.Id = doc.Id;
  out.Statement = doc.Statement.map((st) => {
    const s: Record<string, unknown> = {};
    for (const k of STATEMENT_FIELDS) if (st[k] !== undefined) s[k] = st[k];
    return s;
  });
  return JSON.stringify(out, null, indent);
}
