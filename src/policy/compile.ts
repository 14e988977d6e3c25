import { knownActions } from './actions/catalog.js';
import { type CompiledStatement, compileStatement } from './compile-statement.js';
import type { PolicyDocument, StatementRef } from './types.js';

/** A policy compiled for evaluation: statements indexed by (lower-cased) known action. */
export interface CompiledPolicy {
  readonly name: string;
  readonly document: PolicyDocument;
  readonly statements: readonly CompiledStatement[];
  /** Lower-cased catalog action → the statements that cover it, in document order. */
  readonly byAction: ReadonlyMap<string, readonly CompiledStatement[]>;
}

const EMPTY: readonly CompiledStatement[] = [];

/**
 * Compiles a validated document once: wildcards pre-split, CIDRs and dates pre-parsed, and every
 * statement filed under each catalog action its Action / NotAction covers.
 * @example const p = compilePolicy(parsePolicy(json), 'readonly')
 */
export function compilePolicy(doc: PolicyDocument, name: string): CompiledPolicy {
  const variables = doc.Version === '2012-10-17';
  const statements = doc.Statement.map((st, index) => {
    const ref: StatementRef =
      st.Sid === undefined
        ? { policy: name, index, effect: st.Effect }
        : { policy: name, index, sid: st.Sid, effect: st.Effect };
    return compileStatement(st, Object.freeze(ref), variables);
  });
  const byAction = new Map<string, CompiledStatement[]>();
  for (const info of knownActions()) {
    const lower = info.name.toLowerCase();
    const list = statements.filter((s) => s.action(lower));
    if (list.length > 0) byAction.set(lower, list);
  }
  return { name, document: doc, statements, byAction };
}

/**
 * The statements of `policy` that cover an action. `key` is the action's catalog key
 * (lower-cased) or undefined for an action outside the catalog, matched pattern by pattern.
 */
export function statementsFor(
  policy: CompiledPolicy,
  key: string | undefined,
  lowerAction: string,
): readonly CompiledStatement[] {
  if (key !== undefined) return policy.byAction.get(key) ?? EMPTY;
  return policy.statements.filter((s) => s.action(lowerAction));
}
