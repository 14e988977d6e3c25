import { type FormEvent, useState } from 'react';
import { createBucket } from '../../api/s3.js';
import { Dialog, ErrorBox } from '../../ui/index.js';

/** S3's naming rules, in words: the first one a name breaks (undefined when it is valid). */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'A bucket name has 3 to 63 characters.';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'Use only lower-case letters, digits, dots (.) and hyphens (-).';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    return 'A bucket name starts and ends with a letter or a digit.';
  if (name.includes('..') || name.includes('.-') || name.includes('-.'))
    return 'Dots may not be next to another dot or a hyphen.';
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name))
    return 'A bucket name may not look like an IP address.';
  if (name.startsWith('xn--') || name.startsWith('sthree-'))
    return 'A bucket name may not start with “xn--” or “sthree-”.';
  if (name.endsWith('-s3alias') || name.endsWith('--ol-s3'))
    return 'A bucket name may not end with “-s3alias” or “--ol-s3”.';
  return undefined;
}

/** The create-bucket dialog: name (checked as S3 checks it), versioning, object lock. */
export function CreateBucketDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (name: string) => void;
}) {
  const [name, setName] = useState('');
  const [versioning, setVersioning] = useState(false);
  const [objectLock, setObjectLock] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const problem = name === '' ? undefined : bucketNameProblem(name);
  const close = () => {
    setName('');
    setVersioning(false);
    setObjectLock(false);
    setError(undefined);
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (bucketNameProblem(name) !== undefined) return;
    setBusy(true);
    setError(undefined);
    createBucket(name, { versioning: versioning || objectLock, objectLock }).then(
      () => {
        setBusy(false);
        const created = name;
        close();
        onCreated(created);
      },
      (err: unknown) => {
        setBusy(false);
        setError(err);
      },
    );
  };
  return (
    <Dialog title="Create bucket" open={open} onClose={close}>
      <form onSubmit={submit}>
        <label>
          <span>Bucket name</span>
          <input
            name="bucket"
            value={name}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={problem !== undefined}
            aria-describedby="bucket-name-help"
            onChange={(e) => setName(e.target.value)}
            required
          />
        </label>
        <p id="bucket-name-help" className={problem ? 'field-problem' : 'muted'}>
          {problem ?? '3–63 lower-case letters, digits, dots and hyphens; unique on this server.'}
        </p>
        <label className="check">
          <input
            type="checkbox"
            checked={versioning || objectLock}
            disabled={objectLock}
            onChange={(e) => setVersioning(e.target.checked)}
          />{' '}
          Versioning (keep every version of each object)
        </label>
        <label className="check">
          <input type="checkbox" checked={objectLock} onChange={(e) => setObjectLock(e.target.checked)} />{' '}
          Object lock (write-once retention; can only be turned on now, and turns versioning on)
        </label>
        <ErrorBox error={error} />
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={busy || name === '' || problem !== undefined}>
            Create
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
