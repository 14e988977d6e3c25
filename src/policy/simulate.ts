import { TesseraError } from '../core/index.js';
import { actionInfo } from './actions/catalog.js';
import { type CompiledPolicy, statementsFor } from './compile.js';
import { resourceTestOf } from './compile-statement.js';
import { canonicalBase64 } from './conditions/binary.js';
import { parseDate } from './conditions/date.js';
import { parseAddress } from './conditions/ip.js';
import { parseNumber } from './conditions/numeric.js';
import { RequestContext } from './context.js';
import { evaluate } from './evaluate.js';
import type { DecisionReason, NearMiss, RequestPrincipal, StatementRef } from './types.js';

/** AWS's ContextKeyType values. */
export type ContextKeyType =
  | 'string'
  | 'stringList'
  | 'numeric'
  | 'numericList'
  | 'boolean'
  | 'booleanList'
  | 'ip'
  | 'ipList'
  | 'date'
  | 'dateList'
  | 'binary'
  | 'binaryList';

/** One context entry, as in SimulateCustomPolicy's ContextEntries. */
export interface ContextEntry {
  readonly key: string;
  readonly type: ContextKeyType;
  readonly values: readonly string[];
}

/** A simulation: every action × every resource, under one context. */
export interface SimulationRequest {
  readonly actions: readonly string[];
  /** Defaults to `["*"]`, as AWS does. */
  readonly resources?: readonly string[];
  readonly context?: readonly ContextEntry[];
  readonly principal?: RequestPrincipal;
}

/** One row of the answer (AWS EvaluationResult). */
export interface SimulationResult {
  readonly action: string;
  readonly resource: string;
  readonly decision: DecisionReason;
  readonly matchedStatements: readonly StatementRef[];
  /** Context keys the relevant statements' conditions use that the request did not supply. */
  readonly missingContextKeys: readonly string[];
  readonly nearMisses: readonly NearMiss[];
}

const checks: Record<string, (v: string) => boolean> = {
  string: () => true,
  numeric: (v) => !Number.isNaN(parseNumber(v)),
  boolean: (v) => v === 'true' || v === 'false',
  ip: (v) => parseAddress(v) !== undefined,
  date: (v) => !Number.isNaN(parseDate(v)),
  binary: (v) => canonicalBase64(v) !== undefined,
};

/**
 * Turns typed context entries into a request context, checking each value against its type.
 * Throws TesseraError InvalidInput on a bad entry.
 */
export function contextFromEntries(entries: readonly ContextEntry[]): RequestContext {
  const input: Record<string, string[]> = {};
  for (const e of entries) {
    const list = e.type.endsWith('List');
    const base = list ? e.type.slice(0, -4) : e.type;
    const check = checks[base];
    if (check === undefined) throw new TesseraError('InvalidInput', `unknown context key type "${e.type}"`);
    if (!list && e.values.length !== 1)
      throw new TesseraError('InvalidInput', `${e.key}: type ${e.type} takes exactly one value`);
    for (const v of e.values) {
      if (!check(base === 'boolean' ? v.toLowerCase() : v))
        throw new TesseraError('InvalidInput', `${e.key}: "${v}" is not a valid ${base}`);
    }
    input[e.key] = [...(input[e.key] ?? []), ...e.values];
  }
  return RequestContext.from(input);
}

/**
 * Mirrors SimulateCustomPolicy: evaluates the policies (one identity set) for every action and
 * resource, and reports the decision, the matched statements and the missing context keys.
 * @example simulate([p], { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/k'] })
 */
export function simulate(policies: readonly CompiledPolicy[], req: SimulationRequest): SimulationResult[] {
  const ctx = contextFromEntries(req.context ?? []);
  const results: SimulationResult[] = [];
  for (const action of req.actions) {
    const info = actionInfo(action);
    const key = info === undefined ? undefined : info.name.toLowerCase();
    for (const resource of req.resources ?? ['*']) {
      const request =
        req.principal === undefined
          ? { action, resource, context: ctx }
          : { action, resource, context: ctx, principal: req.principal };
      const d = evaluate(policies, request, { explain: true });
      const missing = new Set<string>();
      for (const p of policies) {
        for (const st of statementsFor(p, key, action.toLowerCase())) {
          const test = resourceTestOf(st, info?.family);
          const resourceOk = info?.resourceless || test === null || test(resource, ctx);
          if (!resourceOk) continue;
          for (const c of st.conditions) if (!ctx.has(c.keyLower)) missing.add(c.key);
        }
      }
      results.push({
        action,
        resource,
        decision: d.reason,
        matchedStatements: d.statements,
        missingContextKeys: [...missing].sort(),
        nearMisses: d.nearMisses ?? [],
      });
    }
  }
  return results;
}
