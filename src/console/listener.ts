import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { TesseraError } from '../core/index.js';
import type { TlsReloader } from '../http/index.js';
import { serveApi } from './api.js';
import type { ConsoleCall } from './call.js';
import { securityHeaders } from './headers.js';
import { type ConsoleKeys, consoleKeys } from './keys.js';
import type { ConsoleOptions } from './options.js';
import { sendFailure } from './respond.js';
import { assetsDir, serveStatic } from './static.js';

/** The console's listener: the page and `/api/v1/…` (docs/console.md). */
export interface ConsoleListener {
  readonly server: Server;
  /** Listens on host:port; a clear Error when the address is taken. */
  listen(host: string, port: number): Promise<number>;
  /** Stops accepting and ends idle connections (never waits on a browser's keep-alive). */
  close(): Promise<void>;
}

/** Sec-Fetch-Dest values of loads that run or style a page. */
const SUBRESOURCE =
  /^(script|style|font|worker|sharedworker|serviceworker|audioworklet|paintworklet|xslt|manifest)$/;

function originOf(req: IncomingMessage, secure: boolean): string {
  return `${secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
}

async function handle(
  o: ConsoleOptions,
  keys: ConsoleKeys,
  assets: string,
  secure: boolean,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const api = path === '/api' || path.startsWith('/api/');
  securityHeaders(res, api);
  try {
    if (!api) {
      serveStatic(assets, req, res, path);
      return;
    }
    if (!path.startsWith('/api/v1/')) throw new TesseraError('ConsoleNotFound');
    // Never as a script, style, font or worker of a page (an object relayed from a bucket included).
    if (SUBRESOURCE.test(String(req.headers['sec-fetch-dest'] ?? '')))
      throw new TesseraError('ConsoleNotFound');
    const call: ConsoleCall = {
      req,
      res,
      secure,
      origin: originOf(req, secure),
      path: path.slice('/api/v1'.length),
      rawQuery: q === -1 ? '' : url.slice(q + 1),
    };
    await serveApi(o, keys, call);
  } catch (e) {
    if (res.headersSent) res.destroy();
    else sendFailure(res, e, o.log);
  }
}

/**
 * The S3 listener's TlsReloader serves (and watches) that listener; the console follows it: before
 * each handshake, certificates reloaded since the last one become this server's too.
 */
function followReloads(server: HttpsServer, tls: TlsReloader): void {
  let served = tls.material;
  // First in line: tls.Server's own listener starts the handshake with the context it holds then.
  server.prependListener('connection', () => {
    if (tls.material === served) return;
    served = tls.material;
    server.setSecureContext(tls.serverOptions());
  });
}

/**
 * The console's HTTP(S) server, with the S3 listener's certificates (its TlsReloader: a reload,
 * on change or SIGHUP, reaches both) when the server has them.
 */
export function createConsoleListener(o: ConsoleOptions, tls?: TlsReloader): ConsoleListener {
  const keys = consoleKeys(o.masterKey);
  const assets = o.assets ?? assetsDir();
  const secure = tls !== undefined;
  const onRequest = (req: IncomingMessage, res: ServerResponse) =>
    void handle(o, keys, assets, secure, req, res);
  let server: Server;
  if (tls === undefined) server = createServer({ requestTimeout: 0, headersTimeout: 30_000 }, onRequest);
  else {
    const https = createHttpsServer(
      // Never asks the browser for a client certificate (the S3 port may, for AssumeRoleWithCertificate).
      { ...tls.serverOptions(), requestCert: false, requestTimeout: 0, headersTimeout: 30_000 },
      onRequest,
    );
    followReloads(https, tls);
    server = https as unknown as Server;
  }
  server.keepAliveTimeout = 5000;
  return {
    server,
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        const onError = (e: NodeJS.ErrnoException) =>
          reject(
            new Error(
              e.code === 'EADDRINUSE'
                ? `console address ${host}:${port} is already in use (set --console-address or TESSERA_CONSOLE_ADDRESS, or off)`
                : `console address ${host}:${port}: ${e.message}`,
            ),
          );
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          const a = server.address();
          resolve(typeof a === 'object' && a !== null ? a.port : port);
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Uploads in flight get a moment; then everything goes.
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }),
  };
}
