import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { clientGoneCode, DEBUG } from './client-gone.js';
import { createPipeline, type PipelineOptions } from './pipeline.js';
import {
  applyStallTimeout,
  type ConnectionTimeouts,
  DEFAULT_TIMEOUTS,
  serverTimeoutOptions,
} from './timeouts.js';
import type { TlsReloader } from './tls/index.js';

/** What node would answer for a request it could not parse (or whose head took too long). */
function clientErrorStatus(code: string | undefined): string {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return '408 Request Timeout';
  if (code === 'HPE_HEADER_OVERFLOW') return '431 Request Header Fields Too Large';
  return '400 Bad Request';
}

/**
 * Unparsable requests, header timeouts and connection errors: a bare status line when nothing has
 * been written yet, then close. Logged at debug level by code only (the raw packet, which may
 * hold an Authorization header, never is).
 */
function onClientError(err: NodeJS.ErrnoException, socket: Socket, log: PipelineOptions['log']): void {
  const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  const code = err.code ?? 'unknown';
  if (clientGoneCode(err) !== undefined || !socket.writable || res?.headersSent) {
    socket.destroy();
    return;
  }
  log(`client error, connection closed: ${code}`, DEBUG);
  const answer = () => socket.end(`HTTP/1.1 ${clientErrorStatus(err.code)}\r\nConnection: close\r\n\r\n`);
  // The bytes after a request read in full (a Content-Length below the body sent): that request
  // is answered first (S3: BadDigest when its Content-MD5 covered the whole body), then these.
  if (res?.req.complete) {
    res.once('finish', answer);
    res.once('close', () => socket.destroy());
    return;
  }
  answer();
}

/**
 * Creates the HTTP server for the S3 endpoint. `Expect: 100-continue` is answered only after the
 * request has been authenticated and authorized, so a rejected upload never sends its body.
 * Slow or stalled clients are cut by the timeouts (timeouts.ts). With `tls`, HTTPS
 * (docs/tls.md): its certificates, reloaded while serving.
 */
export function createS3Server(
  opts: PipelineOptions,
  timeouts: ConnectionTimeouts = DEFAULT_TIMEOUTS,
  tls?: TlsReloader,
): Server {
  const handle = createPipeline(opts);
  const server =
    tls === undefined ? createServer(serverTimeoutOptions(timeouts)) : httpsServer(timeouts, tls, opts.log);
  applyStallTimeout(server, timeouts, opts.log);
  server.on('request', (req, res) => {
    void handle(req, res);
  });
  server.on('checkContinue', (req, res) => {
    void handle(req, res, true);
  });
  // Any other Expect value (or an empty one): S3 ignores it and proceeds; Node would answer 417.
  server.on('checkExpectation', (req, res) => {
    void handle(req, res);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) =>
    onClientError(err, socket, opts.log),
  );
  return server;
}

/** The HTTPS server: the handshake has the request head's time limit; failed handshakes are debug lines. */
function httpsServer(timeouts: ConnectionTimeouts, tls: TlsReloader, log: PipelineOptions['log']): Server {
  const server = createHttpsServer({
    ...serverTimeoutOptions(timeouts),
    ...tls.serverOptions(),
    handshakeTimeout: timeouts.readHeaderMs > 0 ? timeouts.readHeaderMs : 120_000,
  });
  server.on('tlsClientError', (err: NodeJS.ErrnoException) =>
    log(`TLS handshake failed, connection closed: ${err.code ?? 'unknown'}`, DEBUG),
  );
  tls.attach(server);
  return server as unknown as Server;
}
