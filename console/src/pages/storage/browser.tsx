import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/errors.js';
import { deleteObject, deleteObjects, downloadUrl, listAllKeys, listFolder } from '../../api/s3-objects.js';
import { ConfirmDialog } from '../../ui/confirm.js';
import { EmptyState, ErrorBox, formatBytes, PageHeader, useLoad } from '../../ui/index.js';
import type { PageProps } from '../types.js';
import { formatDate } from './buckets.js';
import { Breadcrumbs, browsePath, NewFolderDialog } from './folders.js';
import { DetailsDialog, ShareDialog } from './object-share.js';
import { TagsDialog } from './object-tags.js';
import { VersionsDialog } from './object-versions.js';
import { startUploads, UploadList, useUploads } from './upload-list.js';

type Action =
  | { kind: 'versions' | 'tags' | 'share' | 'details' | 'delete'; key: string }
  | { kind: 'delete-folder'; prefix: string }
  | { kind: 'delete-selected' }
  | { kind: 'folder' };

/** #/browse/:bucket/*: one folder of a bucket, page by page, with uploads and object actions. */
export function ObjectBrowserPage({ params, session }: PageProps) {
  const bucket = params.bucket ?? '';
  const prefix = params['*'] ? `${params['*']}/` : '';
  const [pageSize, setPageSize] = useState(100);
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const token = tokens[tokens.length - 1];
  const load = useLoad(() => listFolder(bucket, prefix, token, pageSize), [bucket, prefix, token, pageSize]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [action, setAction] = useState<Action | undefined>();
  const [error, setError] = useState<unknown>();
  const { finished } = useUploads();
  const first = useRef(finished);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when an upload finishes
  useEffect(() => {
    if (finished !== first.current) load.reload();
  }, [finished]);
  const objects = (load.data?.objects ?? []).filter((o) => o.key !== prefix);
  const folders = load.data?.folders ?? [];
  const name = (key: string) => key.slice(prefix.length);
  const close = () => setAction(undefined);
  const toggle = (key: string, on: boolean) => {
    const s = new Set(selected);
    if (on) s.add(key);
    else s.delete(key);
    setSelected(s);
  };
  const deleteKeys = async (keys: string[]) => {
    const failed = await deleteObjects(bucket, keys);
    setSelected(new Set());
    load.reload();
    if (failed.length > 0) {
      const f = failed[0]!;
      throw new ApiError(200, f.code, `${failed.length} object(s) were not deleted; ${f.key}: ${f.message}`);
    }
  };
  return (
    <>
      <Breadcrumbs bucket={bucket} prefix={prefix} />
      <PageHeader title={prefix === '' ? bucket : name(prefix.slice(0, -1)) || prefix}>
        <label className="button upload-button">
          Upload files
          <input
            type="file"
            multiple
            className="visually-hidden"
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              if (files.length > 0) startUploads(bucket, prefix, files);
            }}
          />
        </label>
        <button type="button" onClick={() => setAction({ kind: 'folder' })}>
          Create folder
        </button>
        <button
          type="button"
          className="danger"
          disabled={selected.size === 0}
          onClick={() => setAction({ kind: 'delete-selected' })}
        >
          Delete selected ({selected.size})
        </button>
        <button type="button" onClick={load.reload}>
          Refresh
        </button>
        <a className="button" href={`#/buckets/${encodeURIComponent(bucket)}`}>
          Bucket settings
        </a>
      </PageHeader>
      <UploadList />
      <ErrorBox error={load.error ?? error} onClose={() => setError(undefined)} />
      {load.loading && load.data === undefined ? <p className="loading">Loading…</p> : null}
      {load.data !== undefined && folders.length === 0 && objects.length === 0 && tokens.length === 1 ? (
        <EmptyState title={prefix === '' ? 'This bucket is empty' : 'This folder is empty'}>
          <p>
            Choose <strong>Upload files</strong> to add objects here, or <strong>Create folder</strong> to
            group them.
          </p>
        </EmptyState>
      ) : null}
      {folders.length > 0 || objects.length > 0 ? (
        <table className="objects">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Selected</span>
              </th>
              <th scope="col">Name</th>
              <th scope="col">Size</th>
              <th scope="col">Last modified</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {folders.map((f) => (
              <tr key={f} className="folder">
                <td />
                <td>
                  <a href={`#${browsePath(bucket, f)}`}>{name(f)}</a>
                </td>
                <td>—</td>
                <td>—</td>
                <td>
                  <div className="row-actions">
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setAction({ kind: 'delete-folder', prefix: f })}
                    >
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
            {objects.map((o) => (
              <tr key={o.key}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${name(o.key)}`}
                    checked={selected.has(o.key)}
                    onChange={(e) => toggle(o.key, e.target.checked)}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="link"
                    onClick={() => setAction({ kind: 'details', key: o.key })}
                  >
                    {name(o.key)}
                  </button>
                </td>
                <td>{formatBytes(o.size)}</td>
                <td>{formatDate(o.lastModified)}</td>
                <td>
                  <div className="row-actions">
                    <a className="button" href={downloadUrl(bucket, o.key)} download={name(o.key)}>
                      Download
                    </a>
                    {(['versions', 'tags', 'share'] as const).map((k) => (
                      <button key={k} type="button" onClick={() => setAction({ kind: k, key: o.key })}>
                        {k === 'versions' ? 'Versions' : k === 'tags' ? 'Tags' : 'Share'}
                      </button>
                    ))}
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setAction({ kind: 'delete', key: o.key })}
                    >
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="pager">
        <button type="button" disabled={tokens.length === 1} onClick={() => setTokens(tokens.slice(0, -1))}>
          Previous page
        </button>
        <span>Page {tokens.length}</span>
        <button
          type="button"
          disabled={load.data?.nextToken === undefined}
          onClick={() => setTokens([...tokens, load.data?.nextToken])}
        >
          Next page
        </button>
        <label className="inline">
          <span>Per page</span>
          <select
            value={pageSize}
            onChange={(e) => {
              setPageSize(Number(e.target.value));
              setTokens([undefined]);
            }}
          >
            {[10, 50, 100, 500, 1000].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      {action?.kind === 'folder' ? <NewFolderDialog bucket={bucket} prefix={prefix} onClose={close} /> : null}
      {action?.kind === 'versions' ? (
        <VersionsDialog bucket={bucket} objectKey={action.key} onClose={close} onChanged={load.reload} />
      ) : null}
      {action?.kind === 'tags' ? <TagsDialog bucket={bucket} objectKey={action.key} onClose={close} /> : null}
      {action?.kind === 'share' ? (
        <ShareDialog
          bucket={bucket}
          objectKey={action.key}
          sessionExpiration={session.expiration}
          onClose={close}
        />
      ) : null}
      {action?.kind === 'details' ? (
        <DetailsDialog bucket={bucket} objectKey={action.key} onClose={close} />
      ) : null}
      <ConfirmDialog
        title="Delete"
        open={
          action?.kind === 'delete' || action?.kind === 'delete-selected' || action?.kind === 'delete-folder'
        }
        confirmLabel="Delete"
        onClose={close}
        onConfirm={async () => {
          if (action?.kind === 'delete') {
            await deleteObject(bucket, action.key);
            load.reload();
          } else if (action?.kind === 'delete-selected') await deleteKeys([...selected]);
          else if (action?.kind === 'delete-folder')
            await deleteKeys(await listAllKeys(bucket, action.prefix));
        }}
      >
        <p>
          {action?.kind === 'delete'
            ? `Delete ${action.key}?`
            : action?.kind === 'delete-folder'
              ? `Delete the folder ${action.prefix} and every object in it?`
              : `Delete ${selected.size} selected object(s)?`}{' '}
          In a versioned bucket this adds a delete marker; the older versions stay until deleted one by one.
        </p>
      </ConfirmDialog>
    </>
  );
}
