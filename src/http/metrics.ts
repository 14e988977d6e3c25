import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { iamApiActions } from '../admin/index.js';
import { operationSpecs } from '../s3/index.js';
import { stsApiActions } from '../sts/index.js';
import type { ApiName } from './apis/api.js';
import { type AuditTargetCounts, auditGauges } from './audit-metrics.js';
import { type DeferredCount, DeferredObservations, Tally } from './metrics-tally.js';
import {
  type EventSink,
  type RequestEvent,
  type RequestSummary,
  type SummarySink,
  summaryOf,
} from './request-event.js';

/** Request latency buckets, in seconds (1 ms … 1 min). */
export const LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

const FRONT_DOORS: readonly ApiName[] = ['S3', 'Query', 'MinioAdmin', 'Health', 'Metrics'];
const S3_OPERATIONS: ReadonlySet<string> = new Set(operationSpecs.map((s) => s.name));
/** STS actions that issue temporary credentials. */
const STS_ISSUING: ReadonlySet<string> = new Set(
  stsApiActions.filter(
    (a) => a.startsWith('Assume') || a === 'GetSessionToken' || a === 'GetFederationToken',
  ),
);
/**
 * Every value the `api` label may take: the S3 operations, the IAM and STS actions, the front
 * doors' names. Anything else (an unknown Query `Action` a client made up) is `other`, so a
 * client cannot grow the series without bound.
 */
const API_LABELS: ReadonlySet<string> = new Set([
  ...S3_OPERATIONS,
  ...iamApiActions,
  ...stsApiActions,
  ...FRONT_DOORS,
  'IamQuery',
  'StsQuery',
  'AdminScan',
]);
/** Label values that are codes (error codes, decision reasons): short identifiers only. */
const CODE = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

function apiLabel(api: string): string {
  return API_LABELS.has(api) ? api : 'other';
}

function codeLabel(code: string): string {
  return CODE.test(code) ? code : 'other';
}

export interface RequestMetricsOptions {
  /** Entry counts of the IAM caches (iam.cacheStats()), read at scrape time. */
  iamCache?: () => Readonly<Record<string, number>>;
  /**
   * Each audit target's counters (queued, dropped, written), by target name, read at scrape time
   * (docs/audit.md); absent when no audit target is configured.
   */
  auditTargets?: () => Readonly<Record<string, AuditTargetCounts>>;
  /** prom-client's process and Node.js metrics (default true). */
  processMetrics?: boolean;
}

/** The series one `api` label value updates on every request, looked up once. */
interface ApiSeries {
  readonly duration: DeferredObservations;
  readonly received: DeferredCount;
  readonly sent: DeferredCount;
  readonly byCode: Map<number, DeferredCount>;
  /** MinIO's names (S3 operations only; api in lower case as MinIO names its handlers). */
  readonly minio?: {
    readonly requests: DeferredCount;
    readonly errors: DeferredCount;
    readonly errors4xx: DeferredCount;
    readonly errors5xx: DeferredCount;
  };
}

/**
 * The Prometheus metrics of one process (docs/metrics.md lists every name and label: a
 * contract). It is an EventSink: the pipeline's request events are counted once each response
 * has closed, off the request's path. `registry` is what /minio/v2/metrics/node serves.
 */
export class RequestMetrics implements EventSink, SummarySink {
  readonly registry = new Registry();
  readonly #requests: Counter<'api' | 'code'>;
  readonly #errors: Counter<'api' | 'error'>;
  readonly #authFailures: Counter<'reason'>;
  readonly #decisions: Counter<'decision' | 'reason'>;
  readonly #duration: Histogram<'api'>;
  readonly #received: Counter<'api'>;
  readonly #sent: Counter<'api'>;
  readonly #stsIssued: Counter<'api'>;
  readonly #minioRequests: Counter<'api'>;
  readonly #minioErrors: Counter<'api'>;
  readonly #minio4xx: Counter<'api'>;
  readonly #minio5xx: Counter<'api'>;
  readonly #minioRejectedAuth: Counter;
  readonly #minioReceived: Counter;
  readonly #minioSent: Counter;
  readonly #damaged: Counter<'kind' | 'source'>;
  readonly #series = new Map<string, ApiSeries>();
  /** Children of the labelled counters, by their label values (labels() hashes on every call). */
  readonly #children = new Map<string, DeferredCount>();
  /** Request counts not yet handed to prom-client: flushed whenever a metric is read. */
  readonly #tally = new Tally();
  readonly #rejectedAuth: DeferredCount;
  readonly #trafficIn: DeferredCount;
  readonly #trafficOut: DeferredCount;

  constructor(o: RequestMetricsOptions = {}) {
    const registers = [this.registry];
    const collect = () => this.#tally.flush();
    this.#requests = new Counter({
      name: 'tessera_s3_requests_total',
      help: 'Requests answered on the S3 port, by API (S3 operation, IAM/STS action or front door) and HTTP status code.',
      labelNames: ['api', 'code'],
      registers,
      collect,
    });
    this.#errors = new Counter({
      name: 'tessera_s3_request_errors_total',
      help: 'Requests answered with an error, by API and error code.',
      labelNames: ['api', 'error'],
      registers,
      collect,
    });
    this.#authFailures = new Counter({
      name: 'tessera_auth_failures_total',
      help: 'Requests whose authentication failed, by reason (the error code).',
      labelNames: ['reason'],
      registers,
      collect,
    });
    this.#decisions = new Counter({
      name: 'tessera_authz_decisions_total',
      help: 'Authorization decisions, by decision (allow, deny) and reason.',
      labelNames: ['decision', 'reason'],
      registers,
      collect,
    });
    this.#duration = new Histogram({
      name: 'tessera_s3_request_duration_seconds',
      help: 'Time from the request line to the closed response, by API.',
      labelNames: ['api'],
      buckets: [...LATENCY_BUCKETS],
      registers,
      collect: () => {
        for (const s of this.#series.values()) s.duration.flush();
      },
    });
    this.#received = new Counter({
      name: 'tessera_s3_received_bytes_total',
      help: 'Bytes received (request head and body), by API.',
      labelNames: ['api'],
      registers,
      collect,
    });
    this.#sent = new Counter({
      name: 'tessera_s3_sent_bytes_total',
      help: 'Response body bytes sent (as Content-Length announced them), by API.',
      labelNames: ['api'],
      registers,
      collect,
    });
    this.#stsIssued = new Counter({
      name: 'tessera_sts_credentials_issued_total',
      help: 'Temporary credentials issued, by STS action.',
      labelNames: ['api'],
      registers,
    });
    this.#minioRequests = new Counter({
      name: 'minio_s3_requests_total',
      help: 'Total number of S3 requests.',
      labelNames: ['api'],
      registers,
      collect,
    });
    this.#minioErrors = new Counter({
      name: 'minio_s3_requests_errors_total',
      help: 'Total number of S3 requests with (4xx and 5xx) errors.',
      labelNames: ['api'],
      registers,
      collect,
    });
    this.#minio4xx = new Counter({
      name: 'minio_s3_requests_4xx_errors_total',
      help: 'Total number of S3 requests with (4xx) errors.',
      labelNames: ['api'],
      registers,
      collect,
    });
    this.#minio5xx = new Counter({
      name: 'minio_s3_requests_5xx_errors_total',
      help: 'Total number of S3 requests with (5xx) errors.',
      labelNames: ['api'],
      registers,
      collect,
    });
    this.#minioRejectedAuth = new Counter({
      name: 'minio_s3_requests_rejected_auth_total',
      help: 'Total number of S3 requests rejected for auth failure.',
      registers,
      collect,
    });
    this.#minioReceived = new Counter({
      name: 'minio_s3_traffic_received_bytes',
      help: 'Total number of s3 bytes received.',
      registers,
      collect,
    });
    this.#minioSent = new Counter({
      name: 'minio_s3_traffic_sent_bytes',
      help: 'Total number of s3 bytes sent.',
      registers,
      collect,
    });
    this.#damaged = new Counter({
      name: 'tessera_damaged_objects_total',
      help: 'Damaged stored bytes found, by kind (missing, short, long, checksum) and source (read, scan).',
      labelNames: ['kind', 'source'],
      registers,
    });
    this.#rejectedAuth = this.#tally.of(this.#minioRejectedAuth);
    this.#trafficIn = this.#tally.of(this.#minioReceived);
    this.#trafficOut = this.#tally.of(this.#minioSent);
    const iamCache = o.iamCache;
    if (iamCache !== undefined) {
      new Gauge({
        name: 'tessera_iam_cache_entries',
        help: 'Entries in the bounded IAM caches of the process (summed over workers in /cluster), by cache.',
        labelNames: ['cache'],
        registers,
        collect() {
          for (const [cache, n] of Object.entries(iamCache())) this.labels(cache).set(n);
        },
      });
    }
    if (o.auditTargets !== undefined) auditGauges(o.auditTargets, registers);
    if (o.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one finding of damaged stored bytes (the server's DamageSink calls it). */
  damaged(kind: 'missing' | 'short' | 'long' | 'checksum', source: 'read' | 'scan'): void {
    this.#damaged.labels(kind, source).inc();
  }

  /** Counts one request from its full event. */
  write(e: RequestEvent): void {
    this.summarize(summaryOf(e));
  }

  /** Counts one request (the pipeline's SummarySink). */
  summarize(e: RequestSummary): void {
    const api = apiLabel(e.api);
    const s = this.#seriesOf(api);
    const status = e.status;
    let byCode = s.byCode.get(status);
    if (byCode === undefined)
      s.byCode.set(status, (byCode = this.#tally.of(this.#requests.labels(api, String(status)))));
    byCode.add();
    s.duration.observe(e.totalMs / 1000);
    if (e.bytesIn > 0) s.received.add(e.bytesIn);
    if (e.bytesOut > 0) s.sent.add(e.bytesOut);
    if (e.errorCode !== undefined && status >= 400) this.#child(this.#errors, api, e.errorCode).add();
    const authError = e.authError;
    if (authError !== undefined) this.#child(this.#authFailures, authError).add();
    const authz = e.authz;
    if (authz.decision !== 'none')
      this.#child(this.#decisions, authz.decision, authz.reason ?? 'unknown').add();
    if (status === 200 && STS_ISSUING.has(api)) this.#stsIssued.labels(api).inc();
    const minio = s.minio;
    if (minio !== undefined || api === 'S3') {
      minio?.requests.add();
      if (status >= 400) {
        minio?.errors.add();
        if (status >= 500) minio?.errors5xx.add();
        else minio?.errors4xx.add();
      }
      if (authError !== undefined) this.#rejectedAuth.add();
      if (e.bytesIn > 0) this.#trafficIn.add(e.bytesIn);
      if (e.bytesOut > 0) this.#trafficOut.add(e.bytesOut);
    }
  }

  /** `counter`'s child for `first` (already a label value) and `code` (made one by codeLabel). */
  #child(counter: Counter<string>, first: string, code?: string): DeferredCount {
    const key = `${counter === this.#errors ? 'e' : counter === this.#decisions ? 'd' : 'a'}\0${first}\0${code ?? ''}`;
    let child = this.#children.get(key);
    if (child === undefined) {
      child = this.#tally.of(
        code === undefined ? counter.labels(codeLabel(first)) : counter.labels(first, codeLabel(code)),
      );
      this.#children.set(key, child);
    }
    return child;
  }

  #seriesOf(api: string): ApiSeries {
    let s = this.#series.get(api);
    if (s === undefined) {
      const lower = api.toLowerCase();
      s = {
        duration: new DeferredObservations(
          this.#duration,
          { api },
          LATENCY_BUCKETS,
          this.#duration.labels(api),
        ),
        received: this.#tally.of(this.#received.labels(api)),
        sent: this.#tally.of(this.#sent.labels(api)),
        byCode: new Map(),
        ...(S3_OPERATIONS.has(api)
          ? {
              minio: {
                requests: this.#tally.of(this.#minioRequests.labels(lower)),
                errors: this.#tally.of(this.#minioErrors.labels(lower)),
                errors4xx: this.#tally.of(this.#minio4xx.labels(lower)),
                errors5xx: this.#tally.of(this.#minio5xx.labels(lower)),
              },
            }
          : {}),
      };
      this.#series.set(api, s);
    }
    return s;
  }
}
