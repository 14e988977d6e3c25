import { getInline, getPolicyByName } from '../../api/iam.js';
import { useLoad } from '../../ui/index.js';
import { href } from './common.js';
import type { EvaluationResult } from './simulate-api.js';
import { matchingStatements } from './statement-match.js';

/** What the decision means, in words. */
const DECISIONS: Record<string, { words: string; className: string }> = {
  allowed: { words: 'Allowed: a statement allows it and none denies it.', className: 'ok' },
  explicitDeny: { words: 'Denied by an explicit Deny statement.', className: 'deny' },
  implicitDeny: {
    words:
      'Denied: no statement allows it (implicit deny). Attach a policy that allows this action on this resource.',
    className: 'deny',
  },
};

function policyLink(id: string) {
  if (id.startsWith('user/')) return <a href={href('users', id.split('/')[1] ?? '')}>{id}</a>;
  if (id.startsWith('group/')) return <a href={href('groups', id.split('/')[1] ?? '')}>{id}</a>;
  if (id.startsWith('role/')) return <a href={href('roles', id.split('/')[1] ?? '')}>{id}</a>;
  if (id.startsWith('PolicyInputList.') || id === 'ResourcePolicy') return <code>{id}</code>;
  return <a href={href('policies', id)}>{id}</a>;
}

/** A deciding policy's document, by the label the engine gives it. */
async function documentOf(id: string): Promise<string | undefined> {
  const inline = /^(user|group|role)\/([^/]+)\/(.+)$/.exec(id);
  if (inline) {
    const kind = inline[1] === 'user' ? 'User' : inline[1] === 'group' ? 'Group' : 'Role';
    return getInline(kind, inline[2]!, inline[3]!);
  }
  if (id.startsWith('PolicyInputList.') || id === 'ResourcePolicy') return undefined;
  return (await getPolicyByName(id))?.document;
}

/** The statements of a deciding policy that match the request (the candidates the engine weighed). */
function DecidingStatements({ id, r }: { id: string; r: EvaluationResult }) {
  const doc = useLoad(() => documentOf(id).catch(() => undefined), [id]);
  if (doc.data === undefined) return null;
  const effect = r.decision === 'allowed' ? 'Allow' : 'Deny';
  const found = matchingStatements(doc.data, r.action, r.resource, effect);
  if (found.length === 0) return null;
  return (
    <ul className="statement-texts">
      {found.map((st) => (
        <li key={st.index}>
          <span>
            {effect} statement #{st.index}
            {st.sid ? (
              <>
                {' '}
                (Sid <code>{st.sid}</code>)
              </>
            ) : null}
          </span>
          <pre className="json statement">{st.text}</pre>
        </li>
      ))}
    </ul>
  );
}

export function Result({ r }: { r: EvaluationResult }) {
  const d = DECISIONS[r.decision] ?? { words: r.decision, className: '' };
  return (
    <section className="sim-result" aria-label={`Result for ${r.action}`}>
      <p className={`decision ${d.className}`} role="status">
        <b>{d.words}</b> <code className="decision-code">{r.decision}</code>
      </p>
      <p className="muted">
        <code>{r.action}</code> on <code>{r.resource}</code>
      </p>
      <h3>Deciding statements</h3>
      {r.matched.length === 0 ? (
        <p>
          None: {r.decision === 'implicitDeny' ? 'no statement of the principal’s policies matched.' : '—'}
        </p>
      ) : (
        <ul className="statements">
          {r.matched.map((m, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a statement may be listed for each of its matches
            <li key={i}>
              {policyLink(m.policyId)} <small className="muted">({m.policyType})</small>
              {m.index !== undefined ? <> statement #{m.index}</> : null}
              {m.sid ? (
                <>
                  {' '}
                  Sid <code>{m.sid}</code>
                </>
              ) : null}
              <DecidingStatements id={m.policyId} r={r} />
            </li>
          ))}
        </ul>
      )}
      {r.missingContext.length > 0 ? (
        <>
          <h3>Missing context keys</h3>
          <p className="hint">
            Conditions of relevant statements use these keys, which the request did not give: add them as
            context entries to see how the decision changes.
          </p>
          <ul>
            {r.missingContext.map((k) => (
              <li key={k}>
                <code>{k}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {r.nearMisses.length > 0 ? (
        <>
          <h3>Near misses</h3>
          <ul>
            {r.nearMisses.map((n, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: near misses have no identity
              <li key={i}>
                {policyLink(n.policyId)} {n.sid ? <code>{n.sid}</code> : null}: condition {n.operator}{' '}
                <code>{n.key}</code> {n.missing ? 'had no value' : 'did not hold'}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
