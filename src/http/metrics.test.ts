import { describe, expect, it } from 'vitest';
import { fanOut } from './fan-out.js';
import { RequestMetrics } from './metrics.js';
import type { EventSink, RequestEvent } from './request-event.js';

/** A request event with the fields the metrics read (the rest of the schema does not matter here). */
function event(e: Partial<RequestEvent>): RequestEvent {
  return {
    version: 1,
    time: new Date(0).toISOString(),
    requestId: 'r',
    api: 'GetObject',
    auth: {},
    authz: { decision: 'none' },
    status: 200,
    bytesIn: 100,
    bytesOut: 10,
    timings: { totalMs: 3 },
    ...e,
  } as RequestEvent;
}

function lines(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

describe('RequestMetrics', () => {
  it('hands counts to prom-client when read, each once', async () => {
    const m = new RequestMetrics({ processMetrics: false });
    const count = async () =>
      lines(await m.registry.metrics(), 'tessera_s3_requests_total').find((l) =>
        l.includes('api="GetObject"'),
      );
    for (let i = 0; i < 3; i++)
      m.summarize({
        api: 'GetObject',
        status: 200,
        bytesIn: 1,
        bytesOut: 2,
        totalMs: 1,
        authz: { decision: 'none' },
      });
    expect(await count()).toMatch(/ 3$/);
    expect(await count()).toMatch(/ 3$/);
    m.write(event({}));
    m.write(event({}));
    expect(await count()).toMatch(/ 5$/);
    const json = await m.registry.getMetricsAsJSON();
    const sent = json.find((x) => x.name === 'minio_s3_traffic_sent_bytes');
    expect(sent?.values[0]?.value).toBe(3 * 2 + 2 * 10);
  });

  it('counts requests, errors, decisions, auth failures, bytes and latency', async () => {
    const m = new RequestMetrics({
      processMetrics: false,
      iamCache: () => ({ credentials: 3, policies: 1 }),
    });
    m.write(event({ authz: { decision: 'allow', reason: 'allowed' } }));
    m.write(event({ authz: { decision: 'allow', reason: 'allowed' }, timings: { totalMs: 2500 } }));
    m.write(
      event({
        status: 404,
        errorCode: 'NoSuchKey',
        bytesOut: 0,
        authz: { decision: 'allow', reason: 'root' },
      }),
    );
    m.write(
      event({
        api: 'S3',
        status: 403,
        errorCode: 'SignatureDoesNotMatch',
        auth: { error: 'SignatureDoesNotMatch' },
      }),
    );
    m.write(
      event({
        api: 'CreateUser',
        status: 403,
        errorCode: 'AccessDenied',
        authz: { decision: 'deny', reason: 'implicitDeny' },
      }),
    );
    m.write(event({ api: 'AssumeRole' }));
    const text = await m.registry.metrics();
    expect(lines(text, 'tessera_s3_requests_total')).toEqual([
      'tessera_s3_requests_total{api="GetObject",code="200"} 2',
      'tessera_s3_requests_total{api="GetObject",code="404"} 1',
      'tessera_s3_requests_total{api="S3",code="403"} 1',
      'tessera_s3_requests_total{api="CreateUser",code="403"} 1',
      'tessera_s3_requests_total{api="AssumeRole",code="200"} 1',
    ]);
    expect(lines(text, 'tessera_s3_request_errors_total')).toContain(
      'tessera_s3_request_errors_total{api="GetObject",error="NoSuchKey"} 1',
    );
    expect(lines(text, 'tessera_auth_failures_total')).toEqual([
      'tessera_auth_failures_total{reason="SignatureDoesNotMatch"} 1',
    ]);
    expect(lines(text, 'tessera_authz_decisions_total')).toEqual([
      'tessera_authz_decisions_total{decision="allow",reason="allowed"} 2',
      'tessera_authz_decisions_total{decision="allow",reason="root"} 1',
      'tessera_authz_decisions_total{decision="deny",reason="implicitDeny"} 1',
    ]);
    expect(lines(text, 'tessera_s3_request_duration_seconds_bucket')).toContain(
      'tessera_s3_request_duration_seconds_bucket{le="0.005",api="GetObject"} 2',
    );
    expect(lines(text, 'tessera_s3_request_duration_seconds_bucket')).toContain(
      'tessera_s3_request_duration_seconds_bucket{le="+Inf",api="GetObject"} 3',
    );
    expect(lines(text, 'tessera_s3_received_bytes_total')).toContain(
      'tessera_s3_received_bytes_total{api="GetObject"} 300',
    );
    expect(lines(text, 'tessera_s3_sent_bytes_total')).toContain(
      'tessera_s3_sent_bytes_total{api="GetObject"} 20',
    );
    expect(lines(text, 'tessera_sts_credentials_issued_total')).toEqual([
      'tessera_sts_credentials_issued_total{api="AssumeRole"} 1',
    ]);
    expect(lines(text, 'tessera_iam_cache_entries')).toEqual([
      'tessera_iam_cache_entries{cache="credentials"} 3',
      'tessera_iam_cache_entries{cache="policies"} 1',
    ]);
    // MinIO's names: S3 operations only, api in lower case; traffic and auth rejections of every S3 request.
    expect(lines(text, 'minio_s3_requests_total')).toEqual(['minio_s3_requests_total{api="getobject"} 3']);
    expect(lines(text, 'minio_s3_requests_4xx_errors_total')).toEqual([
      'minio_s3_requests_4xx_errors_total{api="getobject"} 1',
    ]);
    expect(lines(text, 'minio_s3_requests_rejected_auth_total')).toEqual([
      'minio_s3_requests_rejected_auth_total 1',
    ]);
    expect(lines(text, 'minio_s3_traffic_received_bytes')).toEqual(['minio_s3_traffic_received_bytes 400']);
  });

  it('keeps label values bounded: a made-up Query Action or code is `other`', async () => {
    const m = new RequestMetrics({ processMetrics: false });
    for (let i = 0; i < 50; i++)
      m.write(event({ api: `Made${i}Up`, status: 400, errorCode: 'InvalidAction' }));
    m.write(event({ api: 'X', status: 400, errorCode: 'not a code!' }));
    const text = await m.registry.metrics();
    expect(lines(text, 'tessera_s3_requests_total')).toEqual([
      'tessera_s3_requests_total{api="other",code="400"} 51',
    ]);
    expect(lines(text, 'tessera_s3_request_errors_total')).toEqual([
      'tessera_s3_request_errors_total{api="other",error="InvalidAction"} 50',
      'tessera_s3_request_errors_total{api="other",error="other"} 1',
    ]);
  });

  it('adds process metrics by default', async () => {
    const text = await new RequestMetrics().registry.metrics();
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe('fanOut', () => {
  it('gives every sink the event, skips absent ones, and passes on the first failure', async () => {
    const seen: string[] = [];
    const sink = (name: string): EventSink => ({ write: (e) => void seen.push(`${name}:${e.requestId}`) });
    const failing: EventSink = {
      write: () => {
        throw new Error('full');
      },
    };
    const rejecting: EventSink = { write: async () => Promise.reject(new Error('down')) };
    const one = sink('a');
    expect(fanOut(undefined, one)).toBe(one);
    expect(() => fanOut(sink('a'), failing, sink('b')).write(event({ requestId: '1' }))).toThrow('full');
    await expect(fanOut(rejecting, sink('c')).write(event({ requestId: '2' }))).rejects.toThrow('down');
    expect(seen).toEqual(['a:1', 'b:1', 'c:2']);
    fanOut().write(event({}));
  });
});
