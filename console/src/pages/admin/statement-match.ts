/**
 * Which statements of a policy document match an action and a resource (wildcards `*` and `?`,
 * case-insensitive actions, NotAction / NotResource). The simulator's answer names the deciding
 * policies; this finds the statements in them to show. Conditions are not evaluated here: the
 * engine already decided; this only points at the candidates.
 */
export interface StatementView {
  index: number;
  sid?: string;
  effect: string;
  text: string;
}

function glob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, ignoreCase ? 'is' : 's').test(value);
}

function list(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function matches(st: Record<string, unknown>, field: string, value: string, ignoreCase: boolean): boolean {
  if (st[field] !== undefined) return list(st[field]).some((p) => glob(p, value, ignoreCase));
  const not = st[`Not${field}`];
  if (not !== undefined) return !list(not).some((p) => glob(p, value, ignoreCase));
  return field === 'Resource';
}

export function matchingStatements(
  document: string,
  action: string,
  resource: string,
  effect: 'Allow' | 'Deny',
): StatementView[] {
  let doc: unknown;
  try {
    doc = JSON.parse(document);
  } catch {
    return [];
  }
  const raw = (doc as { Statement?: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: StatementView[] = [];
  statements.forEach((s, index) => {
    if (typeof s !== 'object' || s === null) return;
    const st = s as Record<string, unknown>;
    if (st.Effect !== effect) return;
    if (!matches(st, 'Action', action, true)) return;
    if (resource !== '*' && !matches(st, 'Resource', resource, false)) return;
    out.push({
      index,
      ...(typeof st.Sid === 'string' ? { sid: st.Sid } : {}),
      effect,
      text: JSON.stringify(st, null, 2),
    });
  });
  return out;
}
