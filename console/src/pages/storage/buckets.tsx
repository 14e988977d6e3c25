import { useState } from 'react';
import { type BucketInfo, deleteBucket, listBuckets } from '../../api/s3.js';
import { navigate } from '../../router.js';
import { ConfirmDialog } from '../../ui/confirm.js';
import { EmptyState, ErrorBox, PageHeader, Table, useLoad } from '../../ui/index.js';
import type { PageProps } from '../types.js';
import { CreateBucketDialog } from './create-bucket.js';

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** #/buckets: the buckets the principal may list, with create and delete. */
export function BucketsPage(_props: PageProps) {
  const { data, error, loading, reload } = useLoad(listBuckets, []);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | undefined>();
  const create = (
    <button type="button" className="primary" onClick={() => setCreating(true)}>
      Create bucket
    </button>
  );
  return (
    <>
      <PageHeader title="Buckets">
        <button type="button" onClick={reload}>
          Refresh
        </button>
        {create}
      </PageHeader>
      <ErrorBox error={error} />
      {loading && data === undefined ? <p className="loading">Loading…</p> : null}
      {data !== undefined && data.length === 0 ? (
        <EmptyState title="No buckets yet">
          <p>
            A bucket holds objects. Choose <strong>Create bucket</strong>, give it a name (lower-case letters,
            digits, dots and hyphens), and then upload files into it.
          </p>
          {create}
        </EmptyState>
      ) : null}
      {data !== undefined && data.length > 0 ? (
        <Table<BucketInfo>
          rows={data}
          rowKey={(b) => b.name}
          columns={[
            {
              header: 'Name',
              cell: (b) => <a href={`#/browse/${encodeURIComponent(b.name)}`}>{b.name}</a>,
            },
            { header: 'Created', cell: (b) => formatDate(b.created) },
            {
              header: 'Actions',
              cell: (b) => (
                <div className="row-actions">
                  <a className="button" href={`#/browse/${encodeURIComponent(b.name)}`}>
                    Browse
                  </a>
                  <a className="button" href={`#/buckets/${encodeURIComponent(b.name)}`}>
                    Settings
                  </a>
                  <button type="button" className="danger" onClick={() => setDeleting(b.name)}>
                    Delete
                  </button>
                </div>
              ),
            },
          ]}
        />
      ) : null}
      <CreateBucketDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(name) => navigate(`/browse/${encodeURIComponent(name)}`)}
      />
      <ConfirmDialog
        title="Delete bucket"
        open={deleting !== undefined}
        confirmLabel="Delete bucket"
        onClose={() => setDeleting(undefined)}
        onConfirm={async () => {
          await deleteBucket(deleting!);
          reload();
        }}
      >
        <p>
          Delete the bucket <strong>{deleting}</strong>? Only an empty bucket can be deleted: remove its
          objects (and, when versioned, their versions) first.
        </p>
      </ConfirmDialog>
    </>
  );
}
