import type { ServerResponse } from 'node:http';
import { isTesseraError, TesseraError } from '../core/index.js';

/** A JSON answer. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  setCookies: string[] = [],
): void {
  const body = JSON.stringify(value);
  res.statusCode = status;
  if (setCookies.length > 0) res.setHeader('Set-Cookie', setCookies);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** The console's error shape: `{code, message}` with the status (docs/console.md). */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  setCookies: string[] = [],
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { code, message }, setCookies);
}

/** A refused sign-in: 401 with the identity service's own code (SignatureDoesNotMatch, AccessDenied, …). */
export class SignInRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SignInRefused';
  }
}

/**
 * A failure as `{code, message}`: a TesseraError with its catalog status (its message only below
 * 500); anything else is logged and answered InternalError without its message.
 */
export function sendFailure(res: ServerResponse, e: unknown, log: (m: string, err?: unknown) => void): void {
  if (e instanceof SignInRefused) {
    sendError(res, 401, e.code, e.message);
    return;
  }
  if (isTesseraError(e)) {
    const message = e.status < 500 ? e.message : new TesseraError(e.code).message;
    sendError(res, e.status, e.code, message);
    return;
  }
  log('console: unexpected error', e);
  sendError(res, 500, 'InternalError', new TesseraError('InternalError').message);
}
