import { type FormEvent, useState } from 'react';
import { s3 } from '../../api/s3.js';
import { navigate } from '../../router.js';
import { Dialog, ErrorBox } from '../../ui/index.js';

/** `#/browse/<bucket>/<a>/<b>` for the folder `a/b/`. */
export function browsePath(bucket: string, prefix = ''): string {
  const parts = prefix.split('/').filter((s) => s !== '');
  return ['/browse', encodeURIComponent(bucket), ...parts.map(encodeURIComponent)].join('/');
}

/** Buckets / bucket / folder / …: each part but the last is a link. */
export function Breadcrumbs({ bucket, prefix }: { bucket: string; prefix: string }) {
  const parts = prefix.split('/').filter((s) => s !== '');
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs">
      <a href="#/buckets">Buckets</a> /{' '}
      {parts.length === 0 ? (
        <span aria-current="page">{bucket}</span>
      ) : (
        <a href={`#${browsePath(bucket)}`}>{bucket}</a>
      )}
      {parts.map((p, i) => (
        <span key={parts.slice(0, i + 1).join('/')}>
          {' / '}
          {i === parts.length - 1 ? (
            <span aria-current="page">{p}</span>
          ) : (
            <a href={`#${browsePath(bucket, parts.slice(0, i + 1).join('/'))}`}>{p}</a>
          )}
        </span>
      ))}
    </nav>
  );
}

/** Creates a folder (an empty `<name>/` object) and opens it. */
export function NewFolderDialog({
  bucket,
  prefix,
  onClose,
}: {
  bucket: string;
  prefix: string;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const bad = name.includes('/') || name === '.' || name === '..';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (bad || name === '') return;
    const folder = `${prefix}${name}/`;
    // S3 has no folders: a zero-byte object named `<folder>/` keeps an empty one listed.
    s3(bucket, folder, { method: 'PUT', body: '' }).then(
      () => navigate(browsePath(bucket, folder)),
      (err: unknown) => setError(err),
    );
  };
  return (
    <Dialog title="Create folder" open onClose={onClose}>
      <form onSubmit={submit}>
        <label>
          <span>Folder name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} aria-invalid={bad} required />
        </label>
        {bad ? <p className="field-problem">A folder name may not contain “/” or be “.” or “..”.</p> : null}
        <ErrorBox error={error} />
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={bad || name === ''}>
            Create folder
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
