import { useId, useState } from 'react';
import {
  getInline,
  getPolicyByName,
  listAttached,
  listGroups,
  listInline,
  listUsers,
} from '../../api/iam.js';
import { EmptyState, PageHeader, useLoad } from '../../ui/index.js';
import type { PageProps } from '../types.js';
import { Field, Section, useAction } from './common.js';
import { listRoles } from './iam-api.js';
import { CONTEXT_TYPES, KNOWN_ACTIONS, KNOWN_CONTEXT_KEYS } from './known-actions.js';
import { Result } from './sim-result.js';
import {
  type ContextEntryInput,
  type EvaluationResult,
  simulateCustom,
  simulatePrincipal,
} from './simulate-api.js';

type Kind = 'user' | 'group' | 'role';

interface Principal {
  kind: Kind;
  name: string;
  arn: string;
}

/**
 * A role cannot be simulated by SimulatePrincipalPolicy (AWS's rule): its attached and inline
 * policies are read and given to SimulateCustomPolicy instead, labelled back to their names.
 */
async function rolePolicies(name: string): Promise<{ labels: string[]; documents: string[] }> {
  const labels: string[] = [];
  const documents: string[] = [];
  for (const p of await listAttached('Role', name)) {
    const found = await getPolicyByName(p.name);
    if (found) {
      labels.push(p.name);
      documents.push(found.document);
    }
  }
  for (const p of await listInline('Role', name)) {
    labels.push(`role/${name}/${p}`);
    documents.push(await getInline('Role', name, p));
  }
  return { labels, documents };
}

function parsePrincipalArn(arn: string): Principal | undefined {
  const m = /:(user|group|role)\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m ? { kind: m[1] as Kind, name: m[2]!, arn } : undefined;
}

/** The policy simulator: principal, action, resource and context → the engine's decision and why. */
export function SimulatorPage({ query }: PageProps) {
  const preset = parsePrincipalArn(query.get('principal') ?? '');
  const [kind, setKind] = useState<Kind>(preset?.kind ?? 'user');
  const [name, setName] = useState(preset?.name ?? '');
  const [action, setAction] = useState(query.get('action') ?? 's3:GetObject');
  const [resource, setResource] = useState(query.get('resource') ?? 'arn:aws:s3:::');
  const [context, setContext] = useState<{ key: string; type: string; values: string }[]>([]);
  const [results, setResults] = useState<EvaluationResult[]>();
  const act = useAction();
  const ids = { actions: useId(), keys: useId() };
  const entities = useLoad(async (): Promise<Principal[]> => {
    if (kind === 'user') return (await listUsers()).map((u) => ({ kind, name: u.name, arn: u.arn }));
    if (kind === 'group') return (await listGroups()).map((g) => ({ kind, name: g.name, arn: g.arn }));
    return (await listRoles()).map((r) => ({ kind, name: r.name, arn: r.arn }));
  }, [kind]);
  const run = () =>
    void act.run(async () => {
      setResults(undefined);
      const principal = (entities.data ?? []).find((e) => e.name === name);
      if (!principal) throw new Error(`Choose a ${kind} to simulate.`);
      const entries: ContextEntryInput[] = context
        .filter((c) => c.key !== '')
        .map((c) => ({
          key: c.key,
          type: c.type,
          values: c.type.endsWith('List') ? c.values.split(',').map((v) => v.trim()) : [c.values.trim()],
        }));
      const req = {
        actions: action.split(/[\s,]+/).filter((a) => a !== ''),
        resources: resource.trim() === '' ? ['*'] : [resource.trim()],
        context: entries,
      };
      if (kind === 'role') {
        const { labels, documents } = await rolePolicies(principal.name);
        if (documents.length === 0) {
          setResults(
            req.actions.map((a) => ({
              action: a,
              resource: req.resources[0]!,
              decision: 'implicitDeny',
              matched: [],
              missingContext: [],
              nearMisses: [],
            })),
          );
          return;
        }
        const rows = await simulateCustom(documents, req);
        for (const r of rows)
          for (const m of r.matched) {
            const n = /^PolicyInputList\.(\d+)$/.exec(m.policyId);
            if (n) m.policyId = labels[Number(n[1]) - 1] ?? m.policyId;
          }
        setResults(rows);
      } else setResults(await simulatePrincipal(principal.arn, req));
    });
  return (
    <>
      <PageHeader title="Policy simulator" />
      <p className="hint">
        Ask the policy engine how it would decide a request, and why. The principal's identity policies are
        evaluated (its groups' too, for a user); bucket policies are not part of the simulation.
      </p>
      <form
        className="sim-form"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <fieldset>
          <legend>Principal</legend>
          <Field label="Kind">
            <select
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as Kind);
                setName('');
              }}
            >
              <option value="user">User</option>
              <option value="group">Group</option>
              <option value="role">Role</option>
            </select>
          </Field>
          <Field label="Name">
            <select value={name} onChange={(e) => setName(e.target.value)} aria-label="Principal name">
              <option value="">Choose…</option>
              {(entities.data ?? []).map((e) => (
                <option key={e.arn} value={e.name}>
                  {e.name}
                </option>
              ))}
            </select>
          </Field>
        </fieldset>
        <Field label="Action" hint="One or more, separated by spaces or commas.">
          <input list={ids.actions} value={action} onChange={(e) => setAction(e.target.value)} required />
        </Field>
        <datalist id={ids.actions}>
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <Field
          label="Resource ARN"
          hint="arn:aws:s3:::bucket or arn:aws:s3:::bucket/key; * for actions on no resource."
        >
          <input value={resource} onChange={(e) => setResource(e.target.value)} />
        </Field>
        <fieldset>
          <legend>Context keys (optional)</legend>
          <datalist id={ids.keys}>
            {KNOWN_CONTEXT_KEYS.map((k) => (
              <option key={k.key} value={k.key} />
            ))}
          </datalist>
          {context.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
            <div className="context-row" key={i}>
              <input
                aria-label="Context key"
                list={ids.keys}
                value={c.key}
                placeholder="aws:SourceIp"
                onChange={(e) => {
                  const known = KNOWN_CONTEXT_KEYS.find((k) => k.key === e.target.value);
                  const next = [...context];
                  next[i] = { ...c, key: e.target.value, ...(known ? { type: known.type } : {}) };
                  setContext(next);
                }}
              />
              <select
                aria-label="Context key type"
                value={c.type}
                onChange={(e) => {
                  const next = [...context];
                  next[i] = { ...c, type: e.target.value };
                  setContext(next);
                }}
              >
                {CONTEXT_TYPES.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
              <input
                aria-label="Context value"
                value={c.values}
                placeholder="203.0.113.7"
                onChange={(e) => {
                  const next = [...context];
                  next[i] = { ...c, values: e.target.value };
                  setContext(next);
                }}
              />
              <button
                type="button"
                className="link danger"
                onClick={() => setContext(context.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() => setContext([...context, { key: '', type: 'string', values: '' }])}
          >
            Add context key
          </button>
        </fieldset>
        <button type="submit" className="primary" disabled={act.busy}>
          {act.busy ? 'Simulating…' : 'Simulate'}
        </button>
      </form>
      {act.box}
      {entities.data && entities.data.length === 0 ? (
        <EmptyState title={`No ${kind}s to simulate.`}>
          <p>
            Create one on the {kind === 'user' ? 'Users' : kind === 'group' ? 'Groups' : 'Roles'} page first.
          </p>
        </EmptyState>
      ) : null}
      {results ? (
        <Section title="Decision">
          {results.map((r) => (
            <Result key={`${r.action} ${r.resource}`} r={r} />
          ))}
        </Section>
      ) : null}
    </>
  );
}
