import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import { lineId } from './queue.js';
import { RemoteTarget, type RemoteTargetOptions, type Sender } from './remote.js';

/**
 * The NATS JetStream target (docs/audit.md "NATS JetStream target"): every chained line is one
 * message on a subject, published with an ack and `msgID` `<stream>-<seq>`, so that JetStream
 * drops a line delivered twice within the stream's duplicate window. Durable through the spool
 * (remote.ts): a line leaves it only once JetStream acknowledged it. The connection reconnects
 * forever; a first connection that fails is retried with the target's backoff.
 */
export interface NatsOptions {
  /** Server addresses: `nats://host:4222`, `host:4222`. */
  servers: string[];
  /** Default `tessera.audit`. */
  subject?: string;
  /** The JetStream stream that holds the subject (default `TESSERA_AUDIT`). */
  streamName?: string;
  /** Create the stream (file storage, the subject) when it is missing (default true). */
  createStream?: boolean;
  username?: string;
  password?: string;
  token?: string;
  /** How long one publish waits for its ack, in ms (default 5 s). */
  timeoutMs?: number;
}

/** JetStream's answer for a stream that does not exist. */
const STREAM_NOT_FOUND = 10059;

export class NatsSender implements Sender {
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private connecting: Promise<JetStreamClient> | undefined;
  private closed = false;
  private readonly subject: string;

  constructor(private readonly o: NatsOptions) {
    this.subject = o.subject ?? 'tessera.audit';
  }

  async send(lines: readonly string[]): Promise<void> {
    const js = await this.jetstream();
    const stream = this.o.streamName ?? 'TESSERA_AUDIT';
    await Promise.all(
      lines.map((l) =>
        js.publish(this.subject, Buffer.from(l), { msgID: lineId(l), expect: { streamName: stream } }),
      ),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    const nc = this.nc;
    this.nc = undefined;
    if (nc === undefined) return;
    // drain waits for the server; while it is away, close after 2 s instead.
    const later = new Promise((r) => setTimeout(r, 2000).unref());
    await Promise.race([nc.drain(), later]).catch(() => {});
    if (!nc.isClosed()) await nc.close();
  }

  private async jetstream(): Promise<JetStreamClient> {
    if (this.nc !== undefined && !this.nc.isClosed() && this.js !== undefined) return this.js;
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<JetStreamClient> {
    const o = this.o;
    const nc = await connect({
      servers: o.servers,
      name: 'tessera-audit',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      ...(o.username === undefined ? {} : { user: o.username }),
      ...(o.password === undefined ? {} : { pass: o.password }),
      ...(o.token === undefined ? {} : { token: o.token }),
    });
    try {
      if (this.closed) throw new Error('audit nats target: closed');
      if (o.createStream !== false) await this.ensureStream(nc);
    } catch (e) {
      await nc.close();
      throw e;
    }
    this.nc = nc;
    this.js = nc.jetstream({ timeout: o.timeoutMs ?? 5000 });
    return this.js;
  }

  private async ensureStream(nc: NatsConnection): Promise<void> {
    const jsm = await nc.jetstreamManager();
    const name = this.o.streamName ?? 'TESSERA_AUDIT';
    try {
      await jsm.streams.info(name);
    } catch (e) {
      if ((e as { api_error?: { err_code?: number } }).api_error?.err_code !== STREAM_NOT_FOUND) throw e;
      await jsm.streams.add({ name, subjects: [this.subject] });
    }
  }
}

export type NatsTargetOptions = Omit<RemoteTargetOptions, 'name'> & NatsOptions & { name?: string };

/** The NATS JetStream target: a RemoteTarget delivering with a NatsSender. */
export class NatsTarget extends RemoteTarget {
  constructor(o: NatsTargetOptions) {
    super({ ...o, name: o.name ?? 'nats' }, new NatsSender(o));
  }
}
