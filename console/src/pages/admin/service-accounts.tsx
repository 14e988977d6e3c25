import { useState } from 'react';
import { listUsers } from '../../api/iam.js';
import { PageHeader, useLoad } from '../../ui/index.js';
import type { PageProps } from '../types.js';
import { AccessKeys } from './access-keys.js';

/**
 * Service accounts (Tessera's access keys, docs/iam.md "Access keys are service accounts"): the
 * signed-in principal's own, and — for those allowed to list users — a chosen user's.
 */
export function ServiceAccountsPage({ session }: PageProps) {
  const users = useLoad(() => listUsers().catch(() => undefined), []);
  const [user, setUser] = useState('');
  const federated = session.principal.type === 'ldap' || session.principal.type === 'openid';
  return (
    <>
      <PageHeader title="Service accounts" />
      <p className="hint">
        A service account is an access key and secret for a program. It acts as its owner, optionally narrowed
        by a policy of its own, and may expire. Its secret is shown once, when it is created.
      </p>
      {federated ? (
        <p className="hint">
          You signed in through {session.principal.type === 'ldap' ? 'LDAP' : 'OpenID'}: service accounts of
          directory users are made with <code>tessera admin svcacct add ALIAS --ldap-user DN</code>.
        </p>
      ) : (
        <AccessKeys
          user={undefined}
          withExtras
          title={
            session.principal.type === 'root'
              ? 'Service accounts of the account root'
              : 'Your service accounts'
          }
        />
      )}
      {users.data && users.data.length > 0 ? (
        <>
          <label className="inline-form">
            <span>Another user's service accounts</span>
            <select value={user} onChange={(e) => setUser(e.target.value)} aria-label="User">
              <option value="">Choose a user…</option>
              {users.data.map((u) => (
                <option key={u.name} value={u.name}>
                  {u.name}
                </option>
              ))}
            </select>
          </label>
          {user === '' ? null : (
            <AccessKeys key={user} user={user} withExtras title={`Service accounts of ${user}`} />
          )}
        </>
      ) : null}
    </>
  );
}
