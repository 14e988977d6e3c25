import { hkdfSync } from 'node:crypto';

/** The console's keys, derived (HKDF-SHA256) from the deployment's master key: equal on every worker and server. */
export interface ConsoleKeys {
  /** Seals the session cookie (AES-256-GCM). */
  readonly session: Buffer;
  /** Seals the short-lived OpenID login cookie (state, nonce, PKCE verifier). */
  readonly login: Buffer;
  /** Derives the CSRF token of a session (HMAC-SHA256). */
  readonly csrf: Buffer;
}

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, 'tessera-console', info, 32));
}

/** @example consoleKeys(loadMasterKey(dataDir).key) */
export function consoleKeys(master: Buffer): ConsoleKeys {
  return {
    session: derive(master, 'session-cookie v1'),
    login: derive(master, 'openid-login-cookie v1'),
    csrf: derive(master, 'csrf-token v1'),
  };
}
