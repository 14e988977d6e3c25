import { TesseraError } from '../core/index.js';

/**
 * Given as the `err` of a `log(message, err)` call, marks the line as debug level: a client that
 * went away, stalled or sent garbage. Such lines are one short message, never a stack.
 */
export class DebugNote {}

/** The one DebugNote every such log call passes. */
export const DEBUG = new DebugNote();

/**
 * Node's codes for a peer that reset or closed the connection (HPE_INVALID_EOF_STATE: in the middle
 * of a request), or a stream cut short by that.
 */
const GONE = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'HPE_INVALID_EOF_STATE',
]);

/** The code when `e` (or its `cause`) says the client went away; undefined for any other error. */
export function clientGoneCode(e: unknown): string | undefined {
  for (let cur = e, depth = 0; cur instanceof Error && depth < 4; cur = cur.cause, depth++) {
    const code = (cur as NodeJS.ErrnoException).code;
    if (code !== undefined && GONE.has(code)) return code;
  }
  return undefined;
}

/** IncompleteBody because the client closed the connection in the middle of the body. */
export class BodyCut extends TesseraError {
  constructor(readonly reason: string) {
    super('IncompleteBody', 'The connection closed before the whole request body arrived.');
  }
}
