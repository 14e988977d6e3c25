import { useState } from 'react';
import { deleteObject, downloadUrl, listKeyVersions, type VersionEntry } from '../../api/s3-objects.js';
import { CloseActions } from '../../ui/dialog-actions.js';
import { Dialog, ErrorBox, formatBytes, Table, useLoad } from '../../ui/index.js';
import { formatDate } from './buckets.js';
import type { ObjectDialogProps } from './object-dialog.js';

function baseName(key: string): string {
  return (
    key
      .split('/')
      .filter((s) => s !== '')
      .pop() ?? key
  );
}

/** Every version of one object (ListObjectVersions with prefix=key): download or delete one. */
export function VersionsDialog({
  bucket,
  objectKey,
  onClose,
  onChanged,
}: ObjectDialogProps & { onChanged: () => void }) {
  const load = useLoad(() => listKeyVersions(bucket, objectKey), [bucket, objectKey]);
  const [confirming, setConfirming] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const remove = (v: VersionEntry) => {
    setError(undefined);
    deleteObject(bucket, objectKey, v.versionId).then(
      () => {
        setConfirming(undefined);
        load.reload();
        onChanged();
      },
      (e: unknown) => setError(e),
    );
  };
  return (
    <Dialog title={`Versions of ${baseName(objectKey)}`} open onClose={onClose}>
      <p className="muted">
        <code>{objectKey}</code> — deleting a version removes it for good; deleting a delete marker brings the
        object back.
      </p>
      <ErrorBox error={load.error ?? error} />
      {load.loading && load.data === undefined ? <p className="loading">Loading…</p> : null}
      {load.data !== undefined && load.data.length === 0 ? <p>This object has no versions.</p> : null}
      {load.data !== undefined && load.data.length > 0 ? (
        <Table<VersionEntry>
          rows={load.data}
          rowKey={(v) => v.versionId}
          columns={[
            { header: 'Version ID', cell: (v) => <code className="version-id">{v.versionId}</code> },
            { header: 'Last modified', cell: (v) => formatDate(v.lastModified) },
            { header: 'Size', cell: (v) => (v.size === undefined ? '—' : formatBytes(v.size)) },
            {
              header: 'State',
              cell: (v) => (
                <>
                  {v.isLatest ? <span className="badge">latest</span> : null}{' '}
                  {v.deleteMarker ? <span className="badge badge-muted">delete marker</span> : null}
                </>
              ),
            },
            {
              header: 'Actions',
              cell: (v) =>
                confirming === v.versionId ? (
                  <div className="row-actions">
                    <button type="button" className="danger" onClick={() => remove(v)}>
                      Delete for good
                    </button>
                    <button type="button" onClick={() => setConfirming(undefined)}>
                      Keep
                    </button>
                  </div>
                ) : (
                  <div className="row-actions">
                    {v.deleteMarker ? null : (
                      <a
                        className="button"
                        href={downloadUrl(bucket, objectKey, v.versionId)}
                        download={baseName(objectKey)}
                      >
                        Download
                      </a>
                    )}
                    <button type="button" className="danger" onClick={() => setConfirming(v.versionId)}>
                      Delete
                    </button>
                  </div>
                ),
            },
          ]}
        />
      ) : null}
      <CloseActions onClose={onClose} />
    </Dialog>
  );
}
