import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/errors.js';
import { loginWithKeys, loginWithLdap, openidLoginUrl, type Provider, type Session } from '../api/session.js';
import { routeQuery, useHashPath } from '../router.js';
import { ErrorBox } from '../ui/index.js';

/** Words for the codes the single sign-on callback puts in `#/signin?error=<code>`. */
const SSO_ERRORS: Record<string, string> = {
  access_denied: 'The identity provider refused the sign-in.',
  login_required: 'The identity provider needs you to sign in there first.',
  AccessDenied: 'Your identity has no policy that allows a console session.',
  InvalidIdentityToken: 'The identity provider’s token was not accepted.',
  IDPRejectedClaim: 'The identity provider did not accept the sign-in or its token was refused.',
  ExpiredToken: 'The sign-in took too long; try again.',
  InvalidState:
    'The sign-in could not be matched to this browser (it took too long, or began elsewhere); try again.',
  InvalidNonce: 'The identity provider’s answer did not match this sign-in; try again.',
  InvalidRequest: 'The identity provider came back without an authorization code.',
  InternalError: 'The server could not complete the sign-in.',
};

/** The error a failed single sign-on came back with, if the route carries one. */
function ssoError(path: string): ApiError | undefined {
  if (!path.startsWith('/signin')) return undefined;
  const code = routeQuery(path).get('error');
  if (!code) return undefined;
  return new ApiError(0, code, SSO_ERRORS[code] ?? 'Single sign-on did not complete.');
}

/** What tells one sign-in form from the other: its words, its field names and the call it makes. */
interface FormKind {
  headingId: string;
  heading: string;
  idLabel: string;
  idName: string;
  secretLabel: string;
  secretName: string;
  submit: string;
  login: (id: string, secret: string) => Promise<Session>;
}

const KEYS: FormKind = {
  headingId: 'signin-keys',
  heading: 'Access keys',
  idLabel: 'Access key',
  idName: 'accessKey',
  secretLabel: 'Secret key',
  secretName: 'secretKey',
  submit: 'Sign in',
  login: loginWithKeys,
};

const LDAP: Omit<FormKind, 'heading'> = {
  headingId: 'signin-ldap',
  idLabel: 'Username',
  idName: 'username',
  secretLabel: 'Password',
  secretName: 'password',
  submit: 'Sign in with LDAP',
  login: loginWithLdap,
};

/** A name and a secret, exchanged for a session. */
function SecretForm({ kind, onSignedIn }: { kind: FormKind; onSignedIn: (s: Session) => void }) {
  const [id, setId] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const sent = secret;
    // The secret goes to the back end once and is forgotten: never kept in state or storage.
    setSecret('');
    kind.login(id.trim(), sent).then(onSignedIn, (err: unknown) => {
      setBusy(false);
      setError(err);
    });
  };
  return (
    <form className="signin-form" onSubmit={submit}>
      <h2 id={kind.headingId}>{kind.heading}</h2>
      <label>
        <span>{kind.idLabel}</span>
        <input
          name={kind.idName}
          autoComplete="username"
          value={id}
          onChange={(e) => setId(e.target.value)}
          required
        />
      </label>
      <label>
        <span>{kind.secretLabel}</span>
        <input
          name={kind.secretName}
          type="password"
          autoComplete="current-password"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          required
        />
      </label>
      <ErrorBox error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {kind.submit}
      </button>
    </form>
  );
}

function KeysForm({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  return <SecretForm kind={KEYS} onSignedIn={onSignedIn} />;
}

function LdapForm({ displayName, onSignedIn }: { displayName: string; onSignedIn: (s: Session) => void }) {
  return (
    <SecretForm kind={{ ...LDAP, heading: displayName || 'Directory (LDAP)' }} onSignedIn={onSignedIn} />
  );
}

/** Sign-in: access keys, LDAP when configured, and one button per OpenID provider. */
export function SignIn({
  providers,
  onSignedIn,
}: {
  providers: Provider[];
  onSignedIn: (s: Session) => void;
}) {
  const path = useHashPath();
  const [dismissed, setDismissed] = useState<string | undefined>();
  const ssoFailure = path === dismissed ? undefined : ssoError(path);
  const [tab, setTab] = useState<'keys' | 'ldap'>('keys');
  const ldap = providers.find((p) => p.kind === 'ldap');
  const openid = providers.filter((p) => p.kind === 'openid' && p.id !== undefined);
  return (
    <main className="signin">
      <h1>Sign in to Tessera</h1>
      <ErrorBox error={ssoFailure} onClose={() => setDismissed(path)} />
      {openid.length > 0 ? (
        <section className="signin-form">
          <h2 id="signin-sso">Single sign-on</h2>
          {openid.map((p) => (
            <button
              key={p.id}
              type="button"
              className="primary sso"
              onClick={() => window.location.assign(openidLoginUrl(p.id!))}
            >
              Sign in with {p.displayName || p.id}
            </button>
          ))}
        </section>
      ) : null}
      {ldap ? (
        <div className="tabs" role="tablist" aria-label="Sign-in method">
          {(['keys', 'ldap'] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              id={`signin-tab-${t}`}
              aria-selected={tab === t}
              aria-controls={`signin-panel-${t}`}
              className={tab === t ? 'tab tab-selected' : 'tab'}
              onClick={() => setTab(t)}
            >
              {t === 'keys' ? 'Access keys' : ldap.displayName || 'LDAP'}
            </button>
          ))}
        </div>
      ) : null}
      {/* The panel is not labelled by its tab: "Access keys" would then also label the form's "Access key" field. */}
      {ldap ? (
        <div role="tabpanel" id={`signin-panel-${tab}`}>
          {tab === 'ldap' ? (
            <LdapForm displayName={ldap.displayName} onSignedIn={onSignedIn} />
          ) : (
            <KeysForm onSignedIn={onSignedIn} />
          )}
        </div>
      ) : (
        <KeysForm onSignedIn={onSignedIn} />
      )}
      <p className="muted">
        Keys are exchanged on the server for short-lived credentials; the secret is not kept in this browser.
      </p>
    </main>
  );
}
