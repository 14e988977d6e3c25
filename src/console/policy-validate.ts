import { TesseraError } from '../core/index.js';
import { isPolicyError, parsePolicy } from '../policy/index.js';
import type { SignedInCall } from './call.js';
import { readJsonObject } from './json-body.js';
import { type Finding, lintPolicy } from './policy-lint.js';
import { sendJson } from './respond.js';

/** Which policy a document is: an identity policy, a bucket policy, or a role's trust policy. */
export type ValidateKind = 'identity' | 'resource' | 'trust';

/** The body of `POST /api/v1/policy/validate`: the engine's parser, then lint hints. */
export function validatePolicy(
  document: unknown,
  kind: ValidateKind,
): { valid: boolean; errors: Finding[]; warnings: Finding[] } {
  let value: unknown = document;
  if (typeof document === 'string') {
    try {
      value = JSON.parse(document);
    } catch (e) {
      return {
        valid: false,
        errors: [{ path: '', message: `not valid JSON (${(e as Error).message})` }],
        warnings: [],
      };
    }
  }
  try {
    parsePolicy(value as object, { kind });
  } catch (e) {
    if (!isPolicyError(e)) throw e;
    return { valid: false, errors: [{ path: e.path, message: e.rule }], warnings: [] };
  }
  return { valid: true, errors: [], warnings: lintPolicy(value as Record<string, unknown>, kind) };
}

/** `POST /api/v1/policy/validate {document, kind}` → `{valid, errors, warnings}`. */
export async function servePolicyValidate(call: SignedInCall): Promise<void> {
  if (call.req.method !== 'POST') throw new TesseraError('MethodNotAllowed');
  const body = await readJsonObject(call.req, 1024 * 1024);
  const kind = body.kind ?? 'identity';
  if (kind !== 'identity' && kind !== 'resource' && kind !== 'trust')
    throw new TesseraError('InvalidArgument', "kind must be 'identity', 'resource' or 'trust'.");
  if (body.document === undefined) throw new TesseraError('InvalidArgument', 'document is required.');
  sendJson(call.res, 200, validatePolicy(body.document, kind));
}
