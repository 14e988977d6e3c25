import { cloneElement, isValidElement, type ReactNode, useId, useState } from 'react';
import { ApiError } from '../../api/errors.js';
import { type ValidationResult, validationFromError } from '../../api/iam.js';
import { ErrorBox } from '../../ui/index.js';

/** Runs page actions one at a time, keeping the last one's error for an ErrorBox. */
export function useAction() {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (f: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return {
    run,
    busy,
    error,
    clear: () => setError(undefined),
    box: <ErrorBox error={error} onClose={() => setError(undefined)} />,
  };
}

/** AccessDenied answers get a sentence saying what would allow the page. */
export function isDenied(e: unknown): boolean {
  return (
    e instanceof ApiError &&
    (e.code === 'AccessDenied' || e.code === 'XMinioAccessDenied' || e.code === 'XMinioIAMActionNotAllowed')
  );
}

export function LoadError({ error, needs }: { error: unknown; needs?: string }) {
  if (error === undefined) return null;
  return (
    <>
      <ErrorBox error={error} />
      {needs && isDenied(error) ? (
        <p className="hint">
          Your policies do not allow this page. It needs <code>{needs}</code>; ask an administrator to attach
          a policy that allows it.
        </p>
      ) : null}
    </>
  );
}

export function When({ iso }: { iso: string | number | undefined }) {
  if (iso === undefined || iso === '') return <span className="muted">—</span>;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return <span>{String(iso)}</span>;
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()}>
      {d.toLocaleString()}
    </time>
  );
}

export function Status({ value }: { value: string }) {
  const good = value === 'Active' || value === 'enabled' || value === 'on';
  return <span className={`badge ${good ? 'badge-ok' : 'badge-off'}`}>{value}</span>;
}

export function Section({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="panel" aria-label={title}>
      <header className="panel-header">
        <h2>{title}</h2>
        <div className="page-actions">{actions}</div>
      </header>
      {children}
    </section>
  );
}

export function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: ReactNode }) {
  // The label names the control by id (not by nesting, which would add a select's option to the
  // name); the hint stays outside it.
  const id = useId();
  const control = isValidElement<{ id?: string }>(children) ? cloneElement(children, { id }) : children;
  return (
    <div className="field">
      <label htmlFor={id}>
        <span>{label}</span>
      </label>
      {control}
      {hint ? <small className="hint">{hint}</small> : null}
    </div>
  );
}

/** An identity policy that allows nothing yet: the editor's starting point. */
export const STARTER_POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadOneBucket",
      "Effect": "Allow",
      "Action": ["s3:ListBucket", "s3:GetObject"],
      "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"]
    }
  ]
}`;

/** A trust policy letting users of this account assume the role. */
export const STARTER_TRUST = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "AWS": ["*"] },
      "Action": "sts:AssumeRole"
    }
  ]
}`;

export function href(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

/**
 * Saves a document; when IAM refuses it (MalformedPolicyDocument naming a path), the refusal is
 * shown in the editor like a validation error and false is returned.
 */
export async function savedOrShown(
  save: () => Promise<unknown>,
  show: (v: ValidationResult) => void,
): Promise<boolean> {
  try {
    await save();
    return true;
  } catch (e) {
    const v = validationFromError(e);
    if (v === undefined) throw e;
    show(v);
    return false;
  }
}
