import { useRef, useState } from 'react';
import { headObject, presign } from '../../api/s3-objects.js';
import { CloseActions } from '../../ui/dialog-actions.js';
import { Dialog, ErrorBox, formatBytes, useLoad } from '../../ui/index.js';
import { formatDate } from './buckets.js';
import type { ObjectDialogProps } from './object-dialog.js';

const EXPIRIES = [
  [900, '15 minutes'],
  [3600, '1 hour'],
  [43200, '12 hours'],
  [86400, '1 day'],
  [604800, '7 days'],
] as const;

/** A presigned GET link (POST /api/v1/presign) with the chosen expiry, and a copy button. */
export function ShareDialog({
  bucket,
  objectKey,
  sessionExpiration,
  onClose,
}: ObjectDialogProps & { sessionExpiration: string }) {
  const [expires, setExpires] = useState(3600);
  const [link, setLink] = useState<{ url: string; expiresAt: string; shortened: boolean } | undefined>();
  const [error, setError] = useState<unknown>();
  const [copied, setCopied] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const create = () => {
    setError(undefined);
    setCopied(false);
    const wanted = Date.now() + expires * 1000;
    presign(bucket, objectKey, expires).then(
      (l) => setLink({ ...l, shortened: Date.parse(l.expiresAt) < wanted - 60_000 }),
      (e: unknown) => setError(e),
    );
  };
  const copy = () => {
    const url = link?.url ?? '';
    const fallback = () => {
      input.current?.select();
      setCopied(document.execCommand('copy'));
    };
    if (navigator.clipboard) navigator.clipboard.writeText(url).then(() => setCopied(true), fallback);
    else fallback();
  };
  return (
    <Dialog title="Share object" open onClose={onClose}>
      <p className="muted">
        Anyone with the link can download <code>{objectKey}</code> until it expires. The link is signed with
        your session, so it stops working when the session ends ({formatDate(sessionExpiration)}).
      </p>
      <label>
        <span>Link expires after</span>
        <select value={expires} onChange={(e) => setExpires(Number(e.target.value))}>
          {EXPIRIES.map(([s, label]) => (
            <option key={s} value={s}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <ErrorBox error={error} />
      {link ? (
        <div className="share-link">
          <label>
            <span>Shared link</span>
            <input ref={input} readOnly value={link.url} onFocus={(e) => e.target.select()} />
          </label>
          <p>
            Expires <time dateTime={link.expiresAt}>{formatDate(link.expiresAt)}</time>
            {link.shortened ? <span className="muted"> (shortened: your session ends then)</span> : null}
            {copied ? <span className="ok"> — copied</span> : null}
          </p>
        </div>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={create}>
          Create link
        </button>
        {link ? (
          <button type="button" onClick={copy}>
            Copy link
          </button>
        ) : null}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

/** What HEAD says about an object: size, type, ETag, dates, version, lock, user metadata. */
export function DetailsDialog({ bucket, objectKey, onClose }: ObjectDialogProps) {
  const load = useLoad(() => headObject(bucket, objectKey), [bucket, objectKey]);
  const h = load.data;
  const rows: [string, string][] = [];
  if (h) {
    const size = h.get('content-length');
    const add = (label: string, v: string | null) => {
      if (v !== null && v !== '') rows.push([label, v]);
    };
    add('Size', size === null ? null : `${formatBytes(Number(size))} (${size} bytes)`);
    add('Content type', h.get('content-type'));
    add('ETag', h.get('etag'));
    add('Last modified', h.get('last-modified') && formatDate(h.get('last-modified')!));
    add('Version ID', h.get('x-amz-version-id'));
    add('Storage class', h.get('x-amz-storage-class') ?? 'STANDARD');
    add('Cache-Control', h.get('cache-control'));
    add('Content-Encoding', h.get('content-encoding'));
    add('Content-Disposition', h.get('content-disposition'));
    add('Server-side encryption', h.get('x-amz-server-side-encryption'));
    add('Object lock mode', h.get('x-amz-object-lock-mode'));
    add('Retain until', h.get('x-amz-object-lock-retain-until-date'));
    add('Legal hold', h.get('x-amz-object-lock-legal-hold'));
    add('Tags', h.get('x-amz-tagging-count'));
    h.forEach((v, k) => {
      if (k.startsWith('x-amz-meta-')) rows.push([`Metadata: ${k.slice('x-amz-meta-'.length)}`, v]);
    });
  }
  return (
    <Dialog title="Object details" open onClose={onClose}>
      <p>
        <code>{objectKey}</code>
      </p>
      <ErrorBox error={load.error} />
      {load.loading ? <p className="loading">Loading…</p> : null}
      {h ? (
        <dl className="details">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <CloseActions onClose={onClose} />
    </Dialog>
  );
}
