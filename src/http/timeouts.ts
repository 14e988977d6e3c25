import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { DEBUG } from './client-gone.js';

/** Connection timeouts in milliseconds; 0 turns one off. docs/configuration.md explains them. */
export interface ConnectionTimeouts {
  /** The request line and headers must arrive within this, however slowly they trickle (node's headersTimeout). */
  readHeaderMs: number;
  /** An idle keep-alive connection is closed after this (node's keepAliveTimeout). */
  idleMs: number;
  /**
   * A request whose body or response makes no progress for this long is cut: an inactivity
   * limit (socket.setTimeout), not a total one, so a long upload that keeps moving is never cut.
   */
  stallMs: number;
}

/** MinIO's read-header and idle timeouts (30 s each); a minute without a byte for a stalled body or reader. */
export const DEFAULT_TIMEOUTS: ConnectionTimeouts = { readHeaderMs: 30_000, idleMs: 30_000, stallMs: 60_000 };

/** After a stalled body has been failed, how long the pipeline may take to answer before the socket goes. */
const ANSWER_GRACE_MS = 2_000;

type Log = (message: string, err?: unknown) => void;

/** The options of node:http's createServer for these timeouts (requestTimeout, a total limit, stays off). */
export function serverTimeoutOptions(t: ConnectionTimeouts) {
  return {
    requestTimeout: 0,
    headersTimeout: t.readHeaderMs,
    keepAliveTimeout: t.idleMs,
    // headersTimeout is enforced by a periodic sweep: sweep often enough for the limit to mean something.
    connectionsCheckingInterval:
      t.readHeaderMs > 0 ? Math.min(30_000, Math.max(100, Math.floor(t.readHeaderMs / 4))) : 30_000,
  };
}

/** The response in flight on a connection, if any (node keeps it as the socket's `_httpMessage`). */
function inFlight(socket: Socket): ServerResponse | undefined {
  return (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
}

function note(log: Log, what: string, res: ServerResponse): void {
  log(
    `client stalled, connection closed: ${what} (request ${String(res.getHeader('x-amz-request-id'))})`,
    DEBUG,
  );
}

/**
 * Arms the stall timeout: the socket's inactivity timer (reset by every byte read or written)
 * runs while a request is in progress; node switches it to the idle timeout between requests.
 */
export function applyStallTimeout(server: Server, t: ConnectionTimeouts, log: Log): void {
  server.timeout = t.stallMs;
  // With a listener, node leaves every decision to it: each path below must close or keep on purpose.
  server.on('timeout', (socket: Socket) => {
    const res = inFlight(socket);
    if (!res) {
      // Idle keep-alive, or a connection that never sent a whole request head.
      socket.destroy();
      return;
    }
    const req = res.req;
    if (!req.complete) {
      note(log, 'request body', res);
      // request-body.ts failed the body with RequestTimeout, so the pipeline answers 400 and closes;
      // with nobody reading the body or the answer already begun, there is nothing to say.
      if (res.headersSent || req.listenerCount('timeout') === 0) socket.destroy();
      else setTimeout(() => socket.destroy(), ANSWER_GRACE_MS).unref();
      return;
    }
    if (socket.writableLength > 0 || res.writableNeedDrain) {
      note(log, 'response not read', res);
      socket.destroy();
    }
    // Otherwise the body is in and nothing waits to be written: the server itself is at work (a
    // large copy, say). Not the client's fault; the timer starts again with the next byte out.
  });
}
