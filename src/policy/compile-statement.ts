import { type CompiledCondition, compileCondition } from './conditions/compile.js';
import type { RequestContext } from './context.js';
import { PolicyError } from './errors.js';
import { isKnownKey } from './keys.js';
import type { Decision, PrincipalSpec, RequestPrincipal, Statement, StatementRef } from './types.js';
import { hasVariables, parseTemplate, resolveTemplate } from './variables.js';
import { compileGlob, compileParts, type GlobPart, type Matcher } from './wildcard.js';

/**
 * How strongly a resource-policy statement's Principal names the caller:
 * 0 not at all, 1 through the caller's account only (a delegation: the caller's own identity
 * policies must allow too), 2 by name, wildcard or alias, 3 by the caller's exact ARN.
 */
export type PrincipalGrant = 0 | 1 | 2 | 3;

/** One statement, ready to evaluate. */
export interface CompiledStatement {
  readonly ref: StatementRef;
  readonly deny: boolean;
  /** Matches a lower-cased action name (used for actions outside the catalog). */
  readonly action: Matcher;
  /** Null when the statement has no Resource element (matches every resource). */
  readonly resource: ((resource: string, ctx: RequestContext) => boolean) | null;
  /**
   * The resource test for `admin:` actions: null (the whole deployment) when Resource is absent
   * or lists `*` / `arn:aws:s3:::*`; otherwise the statement applies only to what it names.
   */
  readonly adminResource: ((resource: string, ctx: RequestContext) => boolean) | null;
  /** Null when the statement has no Principal element (identity-style statements). */
  readonly principal: ((p: RequestPrincipal | undefined) => PrincipalGrant) | null;
  readonly conditions: readonly CompiledCondition[];
  /** The decision this statement makes on its own (shared, frozen: no allocation per request). */
  readonly decision: Decision;
}

type ResourceTest = (resource: string, ctx: RequestContext) => boolean;

/**
 * Resource entries that make an admin statement deployment-wide. MinIO evaluates admin actions
 * without Resource; Tessera keeps that for these entries (so MinIO's policies keep working) and
 * lets a statement that names a user, group, policy or bucket apply to that target only.
 */
export const DEPLOYMENT_WIDE: ReadonlySet<string> = new Set(['*', 'arn:aws:s3:::*', 'arn:minio:s3:::*']);

/** The resource test an action of the catalog uses on a statement (admin actions: `adminResource`). */
export function resourceTestOf(
  st: CompiledStatement,
  family: string | undefined,
): CompiledStatement['resource'] {
  return family === 'admin' ? st.adminResource : st.resource;
}

function resourceMatcher(pattern: string, variables: boolean): ResourceTest {
  const parts = parseTemplate(pattern, variables, true, isKnownKey, (n) => {
    throw new PolicyError('Resource', `unknown policy variable \${${n}}`);
  });
  if (!hasVariables(parts)) {
    const m = compileParts(parts as GlobPart[]);
    return (r) => m(r);
  }
  // The literal text before the first variable or wildcard rejects most resources cheaply.
  const head = typeof parts[0] === 'string' ? parts[0] : '';
  return (r, ctx) => {
    if (!r.startsWith(head)) return false;
    const resolved = resolveTemplate(parts, ctx);
    return resolved !== undefined && compileParts(resolved)(r);
  };
}

function compileResources(list: readonly string[], negate: boolean, variables: boolean): ResourceTest {
  if (!negate && list.includes('*')) return () => true;
  const ms = list.map((p) => resourceMatcher(p, variables));
  const any: ResourceTest = ms.length === 1 ? ms[0]! : (r, ctx) => ms.some((m) => m(r, ctx));
  return negate ? (r, ctx) => !any(r, ctx) : any;
}

function accountOf(entry: string): string | undefined {
  if (/^\d{12}$/.test(entry)) return entry;
  const m = /^arn:[^:]+:iam::([^:]*):root$/.exec(entry);
  return m ? m[1] : undefined;
}

function compilePrincipal(
  spec: PrincipalSpec,
  negate: boolean,
): (p: RequestPrincipal | undefined) => PrincipalGrant {
  const everyone = spec === '*' || (spec.AWS?.includes('*') ?? false);
  const entries = spec === '*' ? [] : Object.values(spec).flat();
  const accounts = new Set(entries.map(accountOf).filter((a): a is string => a !== undefined));
  const names = entries.filter((e) => accountOf(e) === undefined && e !== '*').map((e) => compileGlob(e));
  const grant = (p: RequestPrincipal | undefined): PrincipalGrant => {
    if (everyone) return 2;
    if (p === undefined || p.anonymous || p.arn === undefined) return 0;
    const arn = p.arn;
    if (names.some((m) => m(arn))) return 3;
    if (p.aliases?.some((a) => names.some((m) => m(a)))) return 2;
    if (p.account !== undefined && accounts.has(p.account)) return 1;
    return 0;
  };
  // NotPrincipal: applies to every caller it does not name.
  return negate ? (p) => (grant(p) === 0 ? 2 : 0) : grant;
}

/** Compiles one statement of a (validated) document. */
export function compileStatement(st: Statement, ref: StatementRef, variables: boolean): CompiledStatement {
  const patterns = (st.Action ?? st.NotAction)!.map((a) => compileGlob(a, true));
  const inList: Matcher = (a) => patterns.some((m) => m(a));
  const action: Matcher = st.NotAction ? (a) => !inList(a) : inList;
  const res = st.Resource ?? st.NotResource;
  const resource = res === undefined ? null : compileResources(res, st.NotResource !== undefined, variables);
  const deploymentWide = st.Resource?.some((r) => DEPLOYMENT_WIDE.has(r)) ?? false;
  const adminResource = deploymentWide ? null : resource;
  const pspec = st.Principal ?? st.NotPrincipal;
  const principal = pspec === undefined ? null : compilePrincipal(pspec, st.NotPrincipal !== undefined);
  const conditions: CompiledCondition[] = [];
  for (const [operator, keys] of Object.entries(st.Condition ?? {})) {
    for (const [key, values] of Object.entries(keys)) {
      conditions.push(
        compileCondition(operator, key, values, variables, (rule) => {
          throw new PolicyError(`Condition.${operator}`, rule);
        }),
      );
    }
  }
  const deny = st.Effect === 'Deny';
  const decision: Decision = Object.freeze({
    allowed: !deny,
    reason: deny ? 'explicitDeny' : 'allowed',
    statements: Object.freeze([ref]),
  });
  return { ref, deny, action, resource, adminResource, principal, conditions, decision };
}
