import { lineId } from './queue.js';
import { RemoteTarget, type RemoteTargetOptions, type Sender } from './remote.js';

/**
 * The HTTP webhook target (docs/audit.md "Webhook target"): batches of chained lines POSTed to an
 * endpoint, durable through the spool (remote.ts). Body formats:
 * - `json`: newline-delimited JSON, one entry a line (`application/x-ndjson`; a batch of one is
 *   a single JSON object, `application/json`, as MinIO's webhook sends);
 * - `elasticsearch`: the _bulk API, `{"index":{"_index":…,"_id":"<stream>-<seq>"}}` before each
 *   line, so that a line delivered twice is indexed once;
 * - `splunk`: HTTP Event Collector events `{"time":…,"event":{…},"sourcetype":"tessera:audit"}`.
 * Any non-2xx answer (and, for elasticsearch, a 2xx whose `errors` is true) is a failed delivery.
 */
export type WebhookFormat = 'json' | 'elasticsearch' | 'splunk';

export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['json', 'elasticsearch', 'splunk'];

export interface WebhookOptions {
  endpoint: string;
  /** Sent as `Authorization: Bearer <token>` (`Splunk <token>` for splunk); a value with a space as it is. */
  authToken?: string;
  format?: WebhookFormat;
  /** The elasticsearch index (default `tessera-audit`). */
  index?: string;
  /** One POST's time limit, in ms (default 10 s). */
  timeoutMs?: number;
}

/** A delivery that failed: the endpoint's status (0: no answer) and what it said. */
export class WebhookError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(
      status === 0
        ? `audit webhook: ${detail}`
        : `audit webhook endpoint answered ${status}: ${detail}`.trim(),
    );
    this.name = 'WebhookError';
  }
}

/** The request body of a batch in a format, and its Content-Type. */
export function webhookBody(
  format: WebhookFormat,
  lines: readonly string[],
  index = 'tessera-audit',
): { body: string; contentType: string } {
  if (format === 'elasticsearch') {
    const body = lines
      .map((l) => `${JSON.stringify({ index: { _index: index, _id: lineId(l) } })}\n${l}\n`)
      .join('');
    return { body, contentType: 'application/x-ndjson' };
  }
  if (format === 'splunk') {
    const body = lines
      .map((l) => {
        const time = Date.parse(String((JSON.parse(l) as { time?: unknown }).time)) / 1000;
        return `{"time":${Number.isFinite(time) ? time : Date.now() / 1000},"event":${l},"sourcetype":"tessera:audit"}`;
      })
      .join('');
    return { body, contentType: 'application/json' };
  }
  if (lines.length === 1) return { body: lines[0]!, contentType: 'application/json' };
  return { body: `${lines.join('\n')}\n`, contentType: 'application/x-ndjson' };
}

/** The Authorization header for a token. */
export function authorization(format: WebhookFormat, token: string): string {
  if (token.includes(' ')) return token;
  return `${format === 'splunk' ? 'Splunk' : 'Bearer'} ${token}`;
}

export class WebhookSender implements Sender {
  private readonly format: WebhookFormat;

  constructor(private readonly o: WebhookOptions) {
    this.format = o.format ?? 'json';
    new URL(o.endpoint); // throws on a malformed endpoint, at start
  }

  async send(lines: readonly string[]): Promise<void> {
    const { body, contentType } = webhookBody(this.format, lines, this.o.index);
    const headers: Record<string, string> = { 'content-type': contentType, 'user-agent': 'tessera-audit' };
    if (this.o.authToken !== undefined) headers.authorization = authorization(this.format, this.o.authToken);
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.o.endpoint, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
      text = await res.text();
    } catch (e) {
      // fetch says only "fetch failed": name the cause (ECONNREFUSED, a time-out), never the URL's secrets.
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new WebhookError(0, `POST to ${new URL(this.o.endpoint).host} failed (${why})`);
    }
    if (res.status < 200 || res.status > 299) throw new WebhookError(res.status, text.slice(0, 200));
    if (this.format === 'elasticsearch' && /"errors"\s*:\s*true/.test(text))
      throw new WebhookError(res.status, 'the bulk request reported errors');
  }

  async close(): Promise<void> {}
}

export type WebhookTargetOptions = Omit<RemoteTargetOptions, 'name'> & WebhookOptions & { name?: string };

/** The webhook target: a RemoteTarget delivering with a WebhookSender. */
export class WebhookTarget extends RemoteTarget {
  constructor(o: WebhookTargetOptions) {
    super({ ...o, name: o.name ?? 'webhook' }, new WebhookSender(o));
  }
}
