import { useState } from 'react';
import {
  checkLdap,
  getIdpConfig,
  type IdpConfig,
  type IdpListItem,
  type LdapCheckStep,
  listIdpConfigs,
} from '../../api/admin.js';
import { errorFromBody } from '../../api/errors.js';
import { openidLoginUrl } from '../../api/session.js';
import { EmptyState, PageHeader, useLoad } from '../../ui/index.js';
import type { PageProps } from '../types.js';
import { Field, isDenied, LoadError, Section, useAction } from './common.js';
import { listOidcProviders } from './iam-api.js';

function ConfigTable({ config }: { config: IdpConfig }) {
  return (
    <table className="kv">
      <tbody>
        {config.info.map((i) => (
          <tr key={i.key}>
            <th scope="row">{i.key}</th>
            <td>
              <code>{i.value}</code>
              {i.isEnv ? <small className="muted"> (environment)</small> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Steps({ steps }: { steps: LdapCheckStep[] }) {
  return (
    <ol className="steps" aria-label="Check steps">
      {steps.map((s) => (
        <li key={s.step} className={s.ok ? 'ok' : 'deny'}>
          <b>
            {s.ok ? '✓' : '✗'} {s.step}
          </b>{' '}
          {s.detail ? <span>{s.detail}</span> : null}
        </li>
      ))}
    </ol>
  );
}

function LdapDirectory({ item }: { item: IdpListItem }) {
  const config = useLoad(() => getIdpConfig('ldap', item.name), [item.name]);
  const [username, setUsername] = useState('');
  const [result, setResult] = useState<LdapCheckStep[]>();
  const act = useAction();
  const directory = item.name === '_' ? 'default' : item.name;
  return (
    <Section title={`LDAP directory ${directory}`}>
      <LoadError error={config.error} />
      {config.data ? <ConfigTable config={config.data} /> : null}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void act.run(async () => {
            const r = await checkLdap(directory, username);
            setResult(r[0]?.steps ?? []);
          });
        }}
      >
        <Field label="Look up a user (optional; no password is sent)">
          <input value={username} onChange={(e) => setUsername(e.target.value)} placeholder="user name" />
        </Field>
        <button type="submit" disabled={act.busy}>
          {act.busy ? 'Testing…' : 'Test connection'}
        </button>
      </form>
      {act.box}
      {result ? (
        <>
          <p role="status" className={result.every((s) => s.ok) ? 'ok' : 'deny'}>
            {result.every((s) => s.ok) ? 'Every step succeeded.' : 'A step failed: see below.'}
          </p>
          <Steps steps={result} />
        </>
      ) : null}
    </Section>
  );
}

/**
 * Whether the server reaches the provider's discovery document: the console's sign-in start asks
 * the back end for the provider's authorization endpoint (from that document) and answers a
 * redirect to it — not followed here — or the error (IDPCommunicationError) when it cannot.
 */
async function testOpenId(id: string): Promise<void> {
  const res = await fetch(openidLoginUrl(id), { redirect: 'manual', credentials: 'same-origin' });
  if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) return;
  throw errorFromBody(res.status, res.headers.get('content-type') ?? '', await res.text());
}

function OpenIdProvider({ item }: { item: IdpListItem }) {
  const config = useLoad(() => getIdpConfig('openid', item.name), [item.name]);
  const url = config.data?.info.find((i) => i.key === 'config_url')?.value;
  const [ok, setOk] = useState<boolean>();
  const act = useAction();
  const id = item.name === '_' ? 'default' : item.name;
  return (
    <Section title={`OpenID provider ${item.name === '_' ? 'default' : item.name}`}>
      <LoadError error={config.error} />
      {item.roleARN ? (
        <p>
          Role ARN: <code>{item.roleARN}</code>
        </p>
      ) : null}
      {config.data ? <ConfigTable config={config.data} /> : null}
      <div className="page-actions">
        <button
          type="button"
          disabled={act.busy}
          onClick={() => {
            setOk(undefined);
            void act.run(() => testOpenId(id)).then(setOk);
          }}
        >
          {act.busy ? 'Testing…' : 'Test connection'}
        </button>
        {url ? (
          <a className="button" href={url} target="_blank" rel="noreferrer noopener">
            Open the discovery document
          </a>
        ) : null}
      </div>
      {ok ? (
        <p role="status" className="ok">
          The server reached the provider's discovery document and its authorization endpoint.
        </p>
      ) : null}
      {act.error !== undefined ? (
        <>
          {act.box}
          <p role="status" className="deny">
            The server could not use the provider's discovery document: check the provider's address (
            <code>CONFIG_URL</code>) and that the server can reach it.
          </p>
        </>
      ) : null}
      <p className="hint">
        The test asks the server, as a sign-in does, for the provider's endpoints; a sign-in through the
        provider on the sign-in page tests the whole flow.
      </p>
    </Section>
  );
}

/** The identity providers the environment configured, their settings, and LDAP's check. */
export function IdentityProvidersPage({ session }: PageProps) {
  const openid = useLoad(() => listIdpConfigs('openid'), []);
  const ldap = useLoad(() => listIdpConfigs('ldap'), []);
  const iamOidc = useLoad(() => listOidcProviders(), []);
  const denied = isDenied(openid.error) || isDenied(ldap.error);
  const none = openid.data?.length === 0 && ldap.data?.length === 0;
  return (
    <>
      <PageHeader title="Identity providers" />
      {denied ? (
        <>
          <LoadError error={openid.error ?? ldap.error} needs="admin:ConfigUpdate" />
          {session.providers.length > 0 ? (
            <ul>
              {session.providers.map((p) => (
                <li key={`${p.kind}/${p.id ?? ''}`}>
                  {p.kind === 'ldap' ? 'LDAP' : 'OpenID'}: {p.displayName}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : (
        <>
          <LoadError error={openid.error} />
          <LoadError error={ldap.error} />
        </>
      )}
      {none ? (
        <EmptyState title="No identity provider is configured.">
          <p>
            Users sign in with access keys only. To add single sign-on, set{' '}
            <code>TESSERA_IDENTITY_OPENID_CONFIG_URL</code> and <code>TESSERA_IDENTITY_OPENID_CLIENT_ID</code>{' '}
            (docs/openid.md); for a directory, <code>TESSERA_IDENTITY_LDAP_SERVER_ADDR</code> and its lookup
            and search settings (docs/ldap.md). Providers come from the environment: restart the server after
            setting them.
          </p>
        </EmptyState>
      ) : null}
      {(openid.data ?? []).map((p) => (
        <OpenIdProvider key={`o/${p.name}`} item={p} />
      ))}
      {(ldap.data ?? []).map((p) => (
        <LdapDirectory key={`l/${p.name}`} item={p} />
      ))}
      {iamOidc.data && iamOidc.data.length > 0 ? (
        <Section title="IAM OpenID Connect providers">
          <p className="hint">
            Providers created with CreateOpenIDConnectProvider, for roles' web-identity trust.
          </p>
          <ul>
            {iamOidc.data.map((arn) => (
              <li key={arn}>
                <code>{arn}</code>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
    </>
  );
}
