import { useId, useRef, useState } from 'react';
import { type PolicyIssue, type PolicyKindName, type ValidationResult, validatePolicy } from '../api/iam.js';
import { ErrorBox } from './index.js';

/** A JSON path as the policy engine writes it (`Statement[0].Resource[1]`, `$.Version`, `/Statement/0`) → its segments. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const p = path.trim().replace(/^\$/, '');
  if (p.startsWith('/')) {
    for (const s of p.split('/').filter((x) => x !== '')) out.push(/^\d+$/.test(s) ? Number(s) : s);
    return out;
  }
  const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.[\]]+)/g;
  for (let m = re.exec(p); m !== null; m = re.exec(p)) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(m[2]);
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
}

interface Span {
  start: number;
  end: number;
}

/**
 * Where the value at `path` is in `text` (the longest prefix of the path that exists), as offsets
 * (an object member's span starts at its key); undefined when nothing of it is found. A tiny JSON
 * scanner that records every value's place: enough to point at an error.
 */
export function locate(text: string, path: string): Span | undefined {
  const spans = new Map<string, Span>();
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const str = (): string => {
    const s = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(s, i)) as string;
    } catch {
      return text.slice(s + 1, i - 1);
    }
  };
  const value = (at: string, from: number): void => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      while (i < text.length && text[i] !== '}') {
        if (text[i] !== '"') throw new Error('key');
        const keyStart = i;
        const key = str();
        ws();
        if (text[i] !== ':') throw new Error(':');
        i++;
        value(`${at}\u0000${key}`, keyStart);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      i++;
      ws();
      for (let n = 0; i < text.length && text[i] !== ']'; n++) {
        value(`${at}\u0000${n}`, i);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '"') str();
    else {
      while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
      if (i === start) throw new Error('value');
    }
    spans.set(at, { start: from, end: i });
  };
  try {
    value('', 0);
  } catch {
    // partial JSON: the places found so far
  }
  const segs = pathSegments(path).map(String);
  for (let n = segs.length; n >= 0; n--) {
    const key = segs
      .slice(0, n)
      .map((s) => `\u0000${s}`)
      .join('');
    const span = spans.get(key);
    if (span !== undefined) return span;
  }
  return undefined;
}

export function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let k = 0; k < offset && k < text.length; k++) if (text[k] === '\n') n++;
  return n;
}

function IssueList({
  title,
  issues,
  kind,
  onShow,
  text,
}: {
  title: string;
  issues: PolicyIssue[];
  kind: 'error' | 'warning';
  onShow: (issue: PolicyIssue) => void;
  text: string;
}) {
  if (issues.length === 0) return null;
  return (
    <div className={`issues issues-${kind}`}>
      <p className="issues-title">{title}</p>
      <ul>
        {issues.map((issue, n) => {
          const span = locate(text, issue.path);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: issues have no identity beyond their place
            <li key={n} data-path={issue.path}>
              <code className="issue-path">{issue.path === '' ? '(document)' : issue.path}</code>
              {span ? <small> line {lineOf(text, span.start)}</small> : null} <span>{issue.message}</span>{' '}
              {span ? (
                <button type="button" className="link" onClick={() => onShow(issue)}>
                  Show
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/**
 * A JSON policy editor: the text, "Validate" (the engine's parser through the back end: errors at
 * their JSON path, lint warnings), and the place of each issue selected in the text on "Show".
 */
export function JsonEditor({
  label,
  value,
  onChange,
  kind,
  rows = 18,
  readOnly = false,
  validation,
  onValidation,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  kind: PolicyKindName;
  rows?: number;
  readOnly?: boolean;
  /** The last validation (owned by the caller, so that saving can validate first). */
  validation?: ValidationResult | undefined;
  onValidation: (v: ValidationResult | undefined) => void;
}) {
  const id = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const show = (issue: PolicyIssue) => {
    const span = locate(value, issue.path);
    const t = ref.current;
    if (!t || !span) return;
    t.focus();
    t.setSelectionRange(span.start, span.end);
    // Scroll the selection into view: the line's share of the height.
    const line = lineOf(value, span.start);
    const lines = value.split('\n').length;
    t.scrollTop = Math.max(0, (t.scrollHeight * (line - 3)) / lines);
  };
  const validate = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onValidation(await validatePolicy(value, kind));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const format = () => {
    try {
      onChange(JSON.stringify(JSON.parse(value), null, 2));
    } catch (e) {
      setError(new Error(`Not valid JSON: ${(e as Error).message}`));
    }
  };
  const invalid = validation !== undefined && !validation.valid;
  return (
    <div className="json-editor">
      <label htmlFor={id}>
        <span>{label}</span>
      </label>
      <textarea
        id={id}
        ref={ref}
        rows={rows}
        spellCheck={false}
        value={value}
        readOnly={readOnly}
        aria-invalid={invalid}
        onChange={(e) => {
          onChange(e.target.value);
          onValidation(undefined);
        }}
      />
      {readOnly ? null : (
        <div className="json-editor-actions">
          <button type="button" onClick={() => void validate()} disabled={busy}>
            {busy ? 'Validating…' : 'Validate'}
          </button>
          <button type="button" onClick={format}>
            Format
          </button>
          {validation?.valid ? (
            <span className="ok" role="status">
              Valid {kind} policy
              {validation.warnings.length > 0 ? ` (${validation.warnings.length} hint(s))` : ''}.
            </span>
          ) : null}
        </div>
      )}
      <ErrorBox error={error} onClose={() => setError(undefined)} />
      {validation ? (
        <>
          <IssueList title="Errors" kind="error" issues={validation.errors} onShow={show} text={value} />
          <IssueList title="Hints" kind="warning" issues={validation.warnings} onShow={show} text={value} />
        </>
      ) : null}
    </div>
  );
}
