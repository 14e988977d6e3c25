import { callJson, postJson, setCsrfToken } from './client.js';

export interface Provider {
  kind: 'openid' | 'ldap';
  /** The OpenID provider's configuration name (`_` for the unnamed one); absent for LDAP. */
  id?: string;
  displayName: string;
}

export interface SessionPrincipal {
  /** The session's principal ARN (an assumed-role or federated-user ARN of the STS session). */
  arn: string;
  /** The identity the session was made for: a user name, an LDAP DN, an OpenID subject. */
  name: string;
  /** `root`, `user`, `service-account`, `ldap`, `openid`. */
  type: string;
  account?: string;
  accessKey: string;
}

export type Session =
  | { signedIn: false; providers: Provider[] }
  | {
      signedIn: true;
      providers: Provider[];
      csrfToken: string;
      principal: SessionPrincipal;
      /** ISO time the session's credentials expire. */
      expiration: string;
    };

function remember(s: Session): Session {
  setCsrfToken(s.signedIn ? s.csrfToken : undefined);
  return s;
}

export async function getSession(): Promise<Session> {
  return remember(await callJson<Session>('/api/v1/session'));
}

export async function loginWithKeys(accessKey: string, secretKey: string): Promise<Session> {
  return remember(await postJson<Session>('/api/v1/login', { accessKey, secretKey }));
}

export async function loginWithLdap(username: string, password: string): Promise<Session> {
  return remember(await postJson<Session>('/api/v1/login/ldap', { username, password }));
}

/** SSO: a full-page navigation to the back end, which redirects to the provider (code + PKCE). */
export function openidLoginUrl(id: string): string {
  return `/api/v1/login/openid/${encodeURIComponent(id)}`;
}

export async function logout(): Promise<void> {
  await callJson<void>('/api/v1/logout', { method: 'POST' });
  setCsrfToken(undefined);
}
