import { fetchMetrics } from '../../api/admin.js';
import { EmptyState, formatBytes, PageHeader, useLoad } from '../../ui/index.js';
import type { PageProps } from '../types.js';
import { LoadError } from './common.js';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format 0.0.4 → samples (comments and malformed lines skipped). */
export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const l of text.split('\n')) {
    if (l.startsWith('#') || l.trim() === '') continue;
    const m = line.exec(l);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (let x = label.exec(m[2] ?? ''); x !== null; x = label.exec(m[2] ?? ''))
      labels[x[1]!] = x[2]!.replace(/\\"/g, '"').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
    label.lastIndex = 0;
    const value = Number(m[3]);
    if (!Number.isNaN(value)) out.push({ name: m[1]!, labels, value });
  }
  return out;
}

function sum(samples: Sample[], name: string): number | undefined {
  const s = samples.filter((x) => x.name === name);
  return s.length === 0 ? undefined : s.reduce((a, b) => a + b.value, 0);
}

function by(samples: Sample[], name: string, label: string): [string, number][] {
  const m = new Map<string, number>();
  for (const s of samples)
    if (s.name === name) m.set(s.labels[label] ?? '', (m.get(s.labels[label] ?? '') ?? 0) + s.value);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min ${Math.floor(seconds % 60)} s`;
}

function Card({ title, value, children }: { title: string; value?: string; children?: React.ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {value !== undefined ? <p className="card-value">{value}</p> : null}
      {children}
    </section>
  );
}

function Breakdown({
  rows,
  limit = 8,
  format = String,
}: {
  rows: [string, number][];
  limit?: number;
  format?: (n: number) => string;
}) {
  if (rows.length === 0) return <p className="muted">none yet</p>;
  return (
    <table className="kv">
      <tbody>
        {rows.slice(0, limit).map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k || '—'}</th>
            <td>{format(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The server's Prometheus metrics (docs/metrics.md) as a few cards, and the raw text. */
export function MetricsPage(_props: PageProps) {
  const text = useLoad(() => fetchMetrics(), []);
  const samples = text.data ? parsePrometheus(text.data) : [];
  const requests = sum(samples, 'tessera_s3_requests_total');
  const errors = sum(samples, 'tessera_s3_request_errors_total');
  const rx = sum(samples, 'tessera_s3_received_bytes_total');
  const tx = sum(samples, 'tessera_s3_sent_bytes_total');
  const start = sum(samples, 'process_start_time_seconds');
  const issued = sum(samples, 'tessera_sts_credentials_issued_total');
  const durationSum = sum(samples, 'tessera_s3_request_duration_seconds_sum');
  const durationCount = sum(samples, 'tessera_s3_request_duration_seconds_count');
  const n = (v: number | undefined) => (v === undefined ? '—' : Math.round(v).toLocaleString());
  return (
    <>
      <PageHeader title="Metrics">
        <button type="button" onClick={text.reload}>
          Refresh
        </button>
      </PageHeader>
      <LoadError error={text.error} needs="admin:Prometheus" />
      {text.data !== undefined && samples.length === 0 ? (
        <EmptyState title="The server answered no metrics.">
          <p>Make a few requests and refresh.</p>
        </EmptyState>
      ) : null}
      {samples.length > 0 ? (
        <div className="cards">
          <Card title="Requests" value={n(requests)}>
            <Breakdown rows={by(samples, 'tessera_s3_requests_total', 'api')} />
          </Card>
          <Card title="By status" value={undefined}>
            <Breakdown rows={by(samples, 'tessera_s3_requests_total', 'code')} />
          </Card>
          <Card title="Errors" value={n(errors)}>
            <Breakdown rows={by(samples, 'tessera_s3_request_errors_total', 'error')} />
          </Card>
          <Card title="Authorization">
            <Breakdown
              rows={samples
                .filter((s) => s.name === 'tessera_authz_decisions_total')
                .map((s): [string, number] => [
                  `${s.labels.decision ?? ''} (${s.labels.reason ?? ''})`,
                  s.value,
                ])
                .sort((a, b) => b[1] - a[1])}
            />
          </Card>
          <Card title="Authentication failures" value={n(sum(samples, 'tessera_auth_failures_total') ?? 0)}>
            <Breakdown rows={by(samples, 'tessera_auth_failures_total', 'reason')} />
          </Card>
          <Card title="Bytes in / out" value={`${formatBytes(rx ?? 0)} / ${formatBytes(tx ?? 0)}`}>
            <Breakdown
              rows={by(samples, 'tessera_s3_sent_bytes_total', 'api')}
              limit={5}
              format={formatBytes}
            />
          </Card>
          <Card title="STS credentials issued" value={n(issued ?? 0)} />
          {durationSum !== undefined && durationCount ? (
            <Card
              title="Average response time"
              value={`${((durationSum / durationCount) * 1000).toFixed(1)} ms`}
            />
          ) : null}
          {start !== undefined ? <Card title="Uptime" value={duration(Date.now() / 1000 - start)} /> : null}
        </div>
      ) : null}
      {text.data ? (
        <details>
          <summary>Raw Prometheus text</summary>
          <pre className="json raw-metrics">{text.data}</pre>
        </details>
      ) : null}
    </>
  );
}
