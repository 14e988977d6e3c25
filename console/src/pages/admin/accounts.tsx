import { useState } from 'react';
import {
  type AccountInfo,
  accountInfo,
  createAccount,
  deleteAccount,
  listAccounts,
} from '../../api/admin.js';
import { SubmitActions } from '../../ui/dialog-actions.js';
import { Dialog, EmptyState, PageHeader, Table, useLoad } from '../../ui/index.js';
import { ConfirmButton, SecretDialog } from '../../ui/secret-dialog.js';
import type { PageProps } from '../types.js';
import { LoadError, useAction, When } from './common.js';
import { NameField } from './name-field.js';

function Owns({ name }: { name: string }) {
  const info = useLoad(() => accountInfo(name), [name]);
  if (info.error) return <LoadError error={info.error} />;
  const o = info.data?.owns;
  if (!o) return <span className="muted">…</span>;
  const parts = Object.entries(o)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  return <span>{parts.length === 0 ? 'nothing' : parts.join(', ')}</span>;
}

function AccountsList() {
  const accounts = useLoad(() => listAccounts(), []);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ accessKey: string; secretKey: string }>();
  const act = useAction();
  return (
    <>
      <PageHeader title="Accounts">
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create account
        </button>
      </PageHeader>
      <p className="hint">
        An account is a tenant: its own root, its own users, groups, policies and roles, and the buckets it
        creates (docs/accounts.md). The default account is yours and is not listed.
      </p>
      <LoadError error={accounts.error} />
      {act.box}
      {accounts.data && accounts.data.length === 0 ? (
        <EmptyState title="No other account yet.">
          <p>Create one to give a team or customer its own IAM namespace and buckets.</p>
        </EmptyState>
      ) : null}
      {accounts.data && accounts.data.length > 0 ? (
        <Table
          rows={accounts.data}
          rowKey={(a) => a.id}
          columns={[
            { header: 'Name', cell: (a: AccountInfo) => a.name },
            { header: 'Id', cell: (a: AccountInfo) => <code>{a.id}</code> },
            { header: 'Root access key', cell: (a: AccountInfo) => <code>{a.rootAccessKey}</code> },
            { header: 'Owns', cell: (a: AccountInfo) => <Owns name={a.name} /> },
            { header: 'Created', cell: (a: AccountInfo) => <When iso={a.createdAt} /> },
            {
              header: 'Actions',
              cell: (a: AccountInfo) => (
                <ConfirmButton
                  label="Delete"
                  question={
                    <>
                      Delete account <b>{a.name}</b>? This is refused while it owns buckets or IAM entities.
                    </>
                  }
                  onConfirm={() => act.run(() => deleteAccount(a.name)).then(accounts.reload)}
                />
              ),
            },
          ]}
        />
      ) : null}
      <Dialog title="Create account" open={creating} onClose={() => setCreating(false)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act.run(async () => {
              const a = await createAccount(name);
              setCreating(false);
              setName('');
              setCreated({ accessKey: a.rootAccessKey, secretKey: a.rootSecretKey });
              accounts.reload();
            });
          }}
        >
          {act.box}
          <NameField
            label="Account name"
            hint="1–64 letters, digits, . _ -; unique without regard to case."
            pattern="[A-Za-z0-9._\-]{1,64}"
            value={name}
            onChange={setName}
          />
          <SubmitActions label="Create" onCancel={() => setCreating(false)} busy={act.busy} />
        </form>
      </Dialog>
      <SecretDialog
        title="Account created: its root credentials"
        credentials={created}
        onClose={() => setCreated(undefined)}
      >
        <p>Sign in with these to act as the new account's root.</p>
      </SecretDialog>
    </>
  );
}

/** Accounts (tenants) are the deployment root's alone; anyone else is told so. */
export function AccountsPage({ session }: PageProps) {
  const p = session.principal;
  if (p.type !== 'root' || (p.account !== undefined && p.account !== '')) {
    return (
      <>
        <PageHeader title="Accounts" />
        <EmptyState title="Accounts are managed by the deployment's root.">
          <p>
            Only the deployment root (the configured <code>TESSERA_ROOT_USER</code>) creates and removes
            accounts. Sign in as the root to use this page.
          </p>
        </EmptyState>
      </>
    );
  }
  return <AccountsList />;
}
