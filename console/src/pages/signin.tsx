import type { Provider, Session } from '../api/session.js';

/** Sign-in: access keys, LDAP, and one button per OpenID provider (owned by the storage pages' author). */
export function SignIn(_props: { providers: Provider[]; onSignedIn: (s: Session) => void }) {
  return <p>Sign-in is not built yet.</p>;
}
