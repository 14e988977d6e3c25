import { type ReactNode, useId, useState } from 'react';
import { deleteBucketDocument } from '../../api/s3.js';
import { ErrorBox } from '../../ui/index.js';

/** One settings section: a heading, its form, its own error (with the API's code) and "Saved". */
export function Section({
  title,
  description,
  error,
  saved,
  loading = false,
  loadError,
  onRetry,
  children,
}: {
  title: string;
  description?: ReactNode;
  error: unknown;
  saved?: string | undefined;
  /** While the section's settings load, its form is not shown (so nothing typed is overwritten). */
  loading?: boolean;
  /** The settings could not be read: only this error (and Retry) is shown, never a form of defaults. */
  loadError?: unknown;
  onRetry?: () => void;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section className="settings-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {description ? <p className="muted">{description}</p> : null}
      {loadError !== undefined ? (
        <>
          <ErrorBox error={loadError} />
          {onRetry ? (
            <button type="button" onClick={onRetry}>
              Retry
            </button>
          ) : null}
        </>
      ) : loading ? (
        <p className="loading">Loading…</p>
      ) : (
        children
      )}
      <ErrorBox error={error} />
      {saved ? (
        <p className="ok" role="status">
          {saved}
        </p>
      ) : null}
    </section>
  );
}

/** Runs a section's action: busy while it runs, then its error or a "saved" message. */
export function useAction() {
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const run = (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    action().then(
      () => {
        setBusy(false);
        setSaved(done);
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
      },
    );
  };
  return { error, saved, busy, run, setError };
}

/** A Section for settings read with useLoad and saved with useAction: their errors, "saved" and loading. */
export function LoadedSection({
  title,
  description,
  load,
  action,
  children,
}: {
  title: string;
  description?: ReactNode;
  load: { data: unknown; error: unknown; loading: boolean; reload: () => void };
  action: { error: unknown; saved: string | undefined };
  children: ReactNode;
}) {
  return (
    <Section
      title={title}
      description={description}
      error={action.error}
      loadError={load.error}
      onRetry={load.reload}
      saved={action.saved}
      loading={load.loading && load.data === undefined}
    >
      {children}
    </Section>
  );
}

/** Deletes the bucket's `subresource` document (offered only while there is one), then reloads it. */
export function DeleteDocumentButton({
  bucket,
  subresource,
  label,
  done,
  load,
  action,
  onDeleted,
}: {
  bucket: string;
  subresource: string;
  label: string;
  /** The message once deleted. */
  done: string;
  load: { data: unknown; reload: () => void };
  action: { busy: boolean; run: (f: () => Promise<unknown>, done: string) => void };
  /** What the section clears once the document is gone. */
  onDeleted?: () => void;
}) {
  if (load.data === undefined) return null;
  return (
    <button
      type="button"
      className="danger"
      disabled={action.busy}
      onClick={() =>
        action.run(
          () =>
            deleteBucketDocument(bucket, subresource).then(() => {
              onDeleted?.();
              load.reload();
            }),
          done,
        )
      }
    >
      {label}
    </button>
  );
}
