import { errorCatalog, escapeXml, TesseraError } from '../core/index.js';
import { BodyCut, clientGoneCode, DEBUG } from './client-gone.js';

/**
 * Turns anything thrown into a TesseraError; unknown errors become InternalError without their
 * message and are logged with their stack; a TesseraError of status 500 or more is logged too and
 * answered with its catalog message only. A client that went away is no internal error: one
 * debug line (see DebugNote), answered — if anyone still listens — as IncompleteBody.
 */
export function toTesseraError(e: unknown, log: (message: string, err: unknown) => void): TesseraError {
  if (e instanceof BodyCut) {
    log(`client disconnected: ${e.reason}`, DEBUG);
    return e;
  }
  if (e instanceof TesseraError) {
    if (e.status < 500) return e;
    // "Expose the message only below 500": a server-side failure is logged with its message and
    // detail, and the client gets the catalog's words for the code — no internal message, no
    // SQLite text, no access key.
    // Answers about the request, not failures of the server: not logged per request.
    if (e.code !== 'NotImplemented' && e.code !== 'XMinioStorageFull') log(`${e.code}: ${e.message}`, e);
    return new TesseraError(e.code);
  }
  const gone = clientGoneCode(e);
  if (gone !== undefined) {
    log(`client disconnected: ${gone}`, DEBUG);
    return new BodyCut(gone);
  }
  log('internal error', e);
  return new TesseraError('InternalError');
}

/** Renders the S3 XML error document (the only place wire errors are rendered). */
export function renderS3Error(err: TesseraError, resource: string, requestId: string): string {
  let extra = '';
  for (const [k, v] of Object.entries(err.detail)) {
    if (v !== undefined) extra += `<${k}>${escapeXml(String(v))}</${k}>`;
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message>${extra}` +
    `<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`
  );
}

/** Status for a code, from the catalog. */
export function statusOf(code: keyof typeof errorCatalog): number {
  return errorCatalog[code].status;
}
