import { useEffect, useState } from 'react';
import { SIGNED_OUT_EVENT } from './api/client.js';
import { getSession, logout, type Session } from './api/session.js';
import { adminPages } from './pages/admin/index.js';
import { SignIn } from './pages/signin.js';
import { storagePages } from './pages/storage/index.js';
import type { PageDef, SignedIn } from './pages/types.js';
import { matchRoute, navigate, routeQuery, useHashPath } from './router.js';
import { ErrorBox } from './ui/index.js';

/** Every page, in navigation order; the first route that matches the hash path is shown. */
const pages: PageDef[] = [...storagePages, ...adminPages];
const sections = ['Storage', 'Identity', 'Security', 'Server'] as const;

function Nav({ path, under }: { path: string; under: string | undefined }) {
  return (
    <nav aria-label="Main">
      {sections.map((s) => {
        const items = pages.filter((p) => p.nav?.section === s);
        if (items.length === 0) return null;
        return (
          <div key={s} className="nav-section">
            <h2>{s}</h2>
            <ul>
              {items.map((p) => (
                <li key={p.route}>
                  <a
                    href={`#${p.nav!.path}`}
                    aria-current={path.startsWith(p.nav!.path) || under === p.nav!.path ? 'page' : undefined}
                  >
                    {p.nav!.label}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}

function Shell({ session, onSignOut }: { session: SignedIn; onSignOut: () => void }) {
  const path = useHashPath();
  const [error, setError] = useState<unknown>();
  let found: { page: PageDef; params: Record<string, string> } | undefined;
  for (const page of pages) {
    const params = matchRoute(page.route, path);
    if (params) {
      found = { page, params };
      break;
    }
  }
  useEffect(() => {
    if (path === '/' || found === undefined) navigate('/buckets');
  }, [path, found]);
  useEffect(() => {
    document.title = found ? `${found.page.title} · Tessera Console` : 'Tessera Console';
  }, [found]);
  const Page = found?.page.component;
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="#/buckets">
          Tessera
        </a>
        <span className="whoami" title={session.principal.arn}>
          {session.principal.name} <small>({session.principal.type})</small>
        </span>
        <button
          type="button"
          onClick={() =>
            logout().then(onSignOut, (e: unknown) => {
              setError(e);
            })
          }
        >
          Sign out
        </button>
      </header>
      <Nav path={path} under={found?.page.under} />
      <main>
        <ErrorBox error={error} onClose={() => setError(undefined)} />
        {Page && found ? (
          <Page key={path} params={found.params} query={routeQuery(path)} session={session} />
        ) : null}
      </main>
    </div>
  );
}

export function App() {
  const [session, setSession] = useState<Session | undefined>();
  const [error, setError] = useState<unknown>();
  const refresh = () =>
    getSession().then(setSession, (e: unknown) => {
      setError(e);
    });
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, at start
  useEffect(() => {
    void refresh();
    // A call answered "not signed in" (the session expired or was revoked): back to sign-in.
    const onSignedOut = () => void refresh();
    window.addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
  }, []);
  if (error !== undefined) return <ErrorBox error={error} />;
  if (session === undefined) return <p className="loading">Loading…</p>;
  if (!session.signedIn) return <SignIn providers={session.providers} onSignedIn={setSession} />;
  return <Shell session={session} onSignOut={() => void refresh()} />;
}
