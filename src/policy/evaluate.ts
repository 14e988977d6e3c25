import { actionInfo } from './actions/catalog.js';
import { type CompiledPolicy, statementsFor } from './compile.js';
import { type PrincipalGrant, resourceTestOf } from './compile-statement.js';
import type { CompiledCondition } from './conditions/compile.js';
import { RequestContext } from './context.js';
import type { ContextInput, Decision, NearMiss, RequestPrincipal, StatementRef } from './types.js';

/** What is being asked: an action on a resource, with the request's condition context. */
export interface AuthzRequest {
  /** e.g. `s3:GetObject` (any case). */
  readonly action: string;
  /** e.g. `arn:aws:s3:::photos/2024/a.jpg`; `*` or '' for actions on no resource. */
  readonly resource: string;
  readonly context?: ContextInput | RequestContext;
  /** The caller, for statements with a Principal (bucket policies). Absent = anonymous. */
  readonly principal?: RequestPrincipal;
}

/** Options for evaluate. */
export interface EvaluateOptions {
  /** Collect every deciding statement and the near misses (slower; for audit and simulation). */
  readonly explain?: boolean;
}

/** Out-parameter: the strongest Principal grant among the allowing statements. */
export interface GrantOut {
  grant: PrincipalGrant;
}

const IMPLICIT: Decision = Object.freeze({
  allowed: false,
  reason: 'implicitDeny',
  statements: Object.freeze([]),
});

function firstFailing(
  conditions: readonly CompiledCondition[],
  ctx: RequestContext,
): CompiledCondition | undefined {
  for (const c of conditions) if (!c.test(ctx)) return c;
  return undefined;
}

/**
 * Evaluates policies as one set (AWS: an explicit Deny in any statement wins, else any Allow
 * allows, else no decision = implicit deny). Statements whose Principal does not name the caller
 * are skipped.
 * @example evaluate([compiled], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: {} })
 */
export function evaluate(
  policies: readonly CompiledPolicy[],
  request: AuthzRequest,
  opts: EvaluateOptions = {},
  out?: GrantOut,
): Decision {
  if (out !== undefined) out.grant = 0;
  const ctx = RequestContext.from(request.context);
  const info = actionInfo(request.action);
  const key = info === undefined ? undefined : info.name.toLowerCase();
  const lowerAction = key ?? request.action.toLowerCase();
  const checkResource = !(info?.resourceless ?? false);
  const family = info?.family ?? (lowerAction.startsWith('admin:') ? 'admin' : undefined);
  const explain = opts.explain === true;
  let allow: Decision | undefined;
  let grant: PrincipalGrant = 0;
  let allows: StatementRef[] | undefined;
  let denies: StatementRef[] | undefined;
  let misses: NearMiss[] | undefined;
  for (const policy of policies) {
    for (const st of statementsFor(policy, key, lowerAction)) {
      const resourceTest = resourceTestOf(st, family);
      if (checkResource && resourceTest !== null && !resourceTest(request.resource, ctx)) continue;
      let g: PrincipalGrant = 2;
      if (st.principal !== null) {
        g = st.principal(request.principal);
        if (g === 0) continue;
      }
      if (st.conditions.length > 0) {
        const failed = firstFailing(st.conditions, ctx);
        if (failed !== undefined) {
          if (explain) {
            (misses ??= []).push({
              statement: st.ref,
              operator: failed.operator,
              key: failed.key,
              missing: !ctx.has(failed.keyLower),
            });
          }
          continue;
        }
      }
      if (st.deny) {
        if (!explain) return st.decision;
        (denies ??= []).push(st.ref);
        continue;
      }
      if (g > grant) grant = g;
      if (explain) (allows ??= []).push(st.ref);
      else allow ??= st.decision;
    }
  }
  if (out !== undefined) out.grant = denies === undefined ? grant : 0;
  if (!explain) return allow ?? IMPLICIT;
  if (denies !== undefined) return { allowed: false, reason: 'explicitDeny', statements: denies };
  if (allows !== undefined) return { allowed: true, reason: 'allowed', statements: allows };
  return { allowed: false, reason: 'implicitDeny', statements: [], nearMisses: misses ?? [] };
}
