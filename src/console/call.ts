import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionPrincipal } from '../core/index.js';
import type { ConsoleSession } from './session-cookie.js';

/** One console API call: the exchange, where it came in, and the session (when signed in). */
export interface ConsoleCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Served over TLS (cookies are Secure and __Host-). */
  readonly secure: boolean;
  /** The console's own origin as the browser calls it (`https://host:9001`). */
  readonly origin: string;
  /** The raw path below `/api/v1` (`/s3/bucket/key`). */
  readonly path: string;
  /** The raw query string, without `?`. */
  readonly rawQuery: string;
}

/** A call made with a valid, unrevoked session. */
export interface SignedInCall extends ConsoleCall {
  readonly session: ConsoleSession;
  /** The session as the server resolves it (its parent, account, expiry). */
  readonly principal: SessionPrincipal;
}
