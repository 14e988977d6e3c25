import { actionInfo } from './actions/catalog.js';
import { DEPLOYMENT_WIDE } from './compile-statement.js';
import { compileCondition } from './conditions/compile.js';
import { RequestContext } from './context.js';
import type { AuthzRequest } from './evaluate.js';
import { isKnownKey } from './keys.js';
import type { Decision, PolicyDocument, PrincipalSpec, RequestPrincipal, StatementRef } from './types.js';
import { parseTemplate, resolveTemplate } from './variables.js';
import { compileParts, globMatch } from './wildcard.js';

/**
 * A reference evaluator that walks the documents for every request, compiling nothing ahead of
 * time. It is the baseline the benchmark compares against and an oracle for property tests.
 * It evaluates Principal as present-or-not (anonymous callers match only "*").
 */
export function evaluateNaive(
  docs: readonly { name: string; doc: PolicyDocument }[],
  req: AuthzRequest,
): Decision {
  const ctx = RequestContext.from(req.context);
  const action = req.action.toLowerCase();
  const info = actionInfo(req.action);
  const resourceless = info?.resourceless ?? false;
  const admin = (info?.family ?? '') === 'admin' || action.startsWith('admin:');
  let allow: StatementRef | undefined;
  for (const { name, doc } of docs) {
    const variables = doc.Version === '2012-10-17';
    for (const [index, st] of doc.Statement.entries()) {
      const acts = st.Action ?? st.NotAction!;
      const hit = acts.some((a) => globMatch(a.toLowerCase(), action));
      if (hit === (st.NotAction !== undefined)) continue;
      const res = st.Resource ?? st.NotResource;
      // Admin actions: a Resource listing `*` or `arn:aws:s3:::*` means the whole deployment.
      const deploymentWide = admin && (st.Resource?.some((r) => DEPLOYMENT_WIDE.has(r)) ?? false);
      if (!resourceless && !deploymentWide && res !== undefined) {
        const any = res.some((r) => {
          const parts = parseTemplate(r, variables, true, isKnownKey, () => {
            throw new Error('unknown variable');
          });
          const resolved = resolveTemplate(parts, ctx);
          return resolved !== undefined && compileParts(resolved)(req.resource);
        });
        if (any === (st.NotResource !== undefined)) continue;
      }
      const pspec = st.Principal ?? st.NotPrincipal;
      if (pspec !== undefined && principalMatches(pspec, req.principal) === (st.NotPrincipal !== undefined))
        continue;
      let ok = true;
      for (const [op, keys] of Object.entries(st.Condition ?? {})) {
        for (const [key, values] of Object.entries(keys)) {
          const c = compileCondition(op, key, values, variables, (rule) => {
            throw new Error(rule);
          });
          if (!c.test(ctx)) ok = false;
        }
      }
      if (!ok) continue;
      const ref: StatementRef =
        st.Sid === undefined
          ? { policy: name, index, effect: st.Effect }
          : { policy: name, index, sid: st.Sid, effect: st.Effect };
      if (st.Effect === 'Deny') return { allowed: false, reason: 'explicitDeny', statements: [ref] };
      allow ??= ref;
    }
  }
  return allow === undefined
    ? { allowed: false, reason: 'implicitDeny', statements: [] }
    : { allowed: true, reason: 'allowed', statements: [allow] };
}

function principalMatches(spec: PrincipalSpec, p: RequestPrincipal | undefined): boolean {
  if (spec === '*' || spec.AWS?.includes('*')) return true;
  if (p === undefined || p.anonymous || p.arn === undefined) return false;
  const names = Object.values(spec).flat();
  const arn = p.arn;
  return names.some(
    (n) =>
      globMatch(n, arn) ||
      (p.aliases ?? []).some((a) => globMatch(n, a)) ||
      n === p.account ||
      n === `arn:aws:iam::${p.account}:root`,
  );
}
