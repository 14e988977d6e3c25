import { useState } from 'react';
import { type AuditEntry, type AuditFilter, queryAudit } from '../../api/admin.js';
import { navigate } from '../../router.js';
import { CloseActions } from '../../ui/dialog-actions.js';
import { Dialog, EmptyState, PageHeader, Table, useLoad } from '../../ui/index.js';
import type { PageProps } from '../types.js';
import { AuditDetail, Decision, principalOf } from './audit-entry.js';
import { Field, href, LoadError, When } from './common.js';

const FILTERS = ['principal', 'action', 'bucket', 'decision', 'since', 'until'] as const;

/** An ISO time as a datetime-local field shows it (the browser's time zone); '' when absent. */
function localInput(iso: string): string {
  const d = new Date(iso);
  if (iso === '' || Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The audit viewer: filters in the route's query (bookmarkable), a table, one entry's explanation. */
export function AuditPage({ query }: PageProps) {
  const filter: AuditFilter = {};
  for (const f of FILTERS) {
    const v = query.get(f);
    if (v) filter[f] = v;
  }
  const key = JSON.stringify(filter);
  const answer = useLoad(() => queryAudit({ ...filter, limit: '200' }), [key]);
  const [form, setForm] = useState<Record<string, string>>(() => {
    const f: Record<string, string> = {};
    for (const k of FILTERS) {
      const v = query.get(k) ?? '';
      f[k] = k === 'since' || k === 'until' ? localInput(v) : v;
    }
    return f;
  });
  const [open, setOpen] = useState<AuditEntry>();
  const apply = () => {
    const q = new URLSearchParams();
    for (const k of FILTERS) {
      const v = form[k] ?? '';
      if (v === '') continue;
      q.set(k, k === 'since' || k === 'until' ? new Date(v).toISOString() : v);
    }
    navigate(`/audit${q.toString() === '' ? '' : `?${q}`}`);
  };
  const a = answer.data;
  // Newest first, as the server answers them.
  const entries = a?.entries ?? [];
  return (
    <>
      <PageHeader title="Audit trail">
        <button type="button" onClick={answer.reload}>
          Refresh
        </button>
      </PageHeader>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <Field label="Principal">
          <input
            value={form.principal}
            placeholder="user/alice or an access key"
            onChange={(e) => setForm({ ...form, principal: e.target.value })}
          />
        </Field>
        <Field label="Action">
          <input
            value={form.action}
            placeholder="GetObject or s3:GetObject"
            onChange={(e) => setForm({ ...form, action: e.target.value })}
          />
        </Field>
        <Field label="Bucket">
          <input value={form.bucket} onChange={(e) => setForm({ ...form, bucket: e.target.value })} />
        </Field>
        <Field label="Decision">
          <select value={form.decision} onChange={(e) => setForm({ ...form, decision: e.target.value })}>
            <option value="">Any</option>
            <option value="allow">Allow</option>
            <option value="deny">Deny</option>
          </select>
        </Field>
        <Field label="Since">
          <input
            type="datetime-local"
            value={form.since}
            onChange={(e) => setForm({ ...form, since: e.target.value })}
          />
        </Field>
        <Field label="Until">
          <input
            type="datetime-local"
            value={form.until}
            onChange={(e) => setForm({ ...form, until: e.target.value })}
          />
        </Field>
        <div className="filter-actions">
          <button type="submit" className="primary">
            Apply filters
          </button>
          <a className="button" href="#/audit">
            Clear
          </a>
        </div>
      </form>
      <LoadError error={answer.error} needs="admin:ServerTrace" />
      {a && !a.configured ? (
        <EmptyState title="The file audit target is not configured.">
          <p>
            The viewer reads the audit files. Start the server with{' '}
            <code>TESSERA_AUDIT_FILE=/var/log/tessera</code> (a directory, or a <code>.jsonl</code> file path)
            to record every request; see docs/audit.md.
          </p>
        </EmptyState>
      ) : null}
      {a?.configured && entries.length === 0 ? (
        <EmptyState title="No entry matches these filters.">
          <p>
            Widen the time range or clear a filter. <a href="#/audit">Show all entries</a>
          </p>
        </EmptyState>
      ) : null}
      {a?.truncated ? (
        <p className="hint">Showing the newest entries only: narrow the filters to see older ones.</p>
      ) : null}
      {entries.length > 0 ? (
        <Table
          rows={entries}
          rowKey={(e) => `${e.stream ?? ''}/${e.seq ?? ''}/${e.requestID ?? ''}/${e.time}`}
          columns={[
            { header: 'Time', cell: (e: AuditEntry) => <When iso={e.time} /> },
            { header: 'Principal', cell: (e: AuditEntry) => <code className="arn">{principalOf(e)}</code> },
            {
              header: 'API',
              cell: (e: AuditEntry) => (
                <button
                  type="button"
                  className="link"
                  onClick={() => setOpen(e)}
                  aria-label={`Details of ${e.api?.name ?? 'request'} at ${e.time}`}
                >
                  {e.api?.name ?? '—'}
                </button>
              ),
            },
            {
              header: 'Bucket / object',
              cell: (e: AuditEntry) =>
                e.api?.bucket ? (
                  <a href={href('browse', e.api.bucket)}>
                    {e.api.bucket}
                    {e.api.object ? `/${e.api.object}` : ''}
                  </a>
                ) : (
                  <span className="muted">—</span>
                ),
            },
            {
              header: 'Status',
              cell: (e: AuditEntry) => (
                <>
                  {e.api?.statusCode ?? ''} {e.api?.errorCode ? <code>{e.api.errorCode}</code> : null}
                </>
              ),
            },
            { header: 'Decision', cell: (e: AuditEntry) => <Decision e={e} /> },
          ]}
        />
      ) : null}
      <Dialog
        title={`Audit entry: ${open?.api?.name ?? ''}`}
        open={open !== undefined}
        onClose={() => setOpen(undefined)}
      >
        {open ? <AuditDetail e={open} /> : null}
        <CloseActions onClose={() => setOpen(undefined)} />
      </Dialog>
    </>
  );
}
