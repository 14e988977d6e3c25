import { useState } from 'react';
import { attachPolicy, type IamUserInfo, iam, listPolicies, listUsers } from '../../api/iam.js';
import { navigate } from '../../router.js';
import { SubmitActions } from '../../ui/dialog-actions.js';
import { Dialog, EmptyState, PageHeader, Table, useLoad } from '../../ui/index.js';
import type { PageProps } from '../types.js';
import { Field, LoadError, useAction } from './common.js';
import { identityColumns } from './identity-columns.js';
import { iamName, NameField } from './name-field.js';
import { useNameFilter } from './name-filter.js';

/** Users of the account: list and create (with an optional first policy). */
export function UsersPage(_props: PageProps) {
  const users = useLoad(() => listUsers(), []);
  const [creating, setCreating] = useState(false);
  const filter = useNameFilter(users.data, 'Filter users');
  return (
    <>
      <PageHeader title="Users">
        {filter.input}
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create user
        </button>
      </PageHeader>
      <LoadError error={users.error} needs="iam:ListUsers (or admin:ListUsers)" />
      {users.loading && !users.data ? <p className="loading">Loading…</p> : null}
      {users.data && users.data.length === 0 ? (
        <EmptyState title="No users yet.">
          <p>Create a user, attach a policy to it, then give it an access key.</p>
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Create user
          </button>
        </EmptyState>
      ) : null}
      {users.data && users.data.length > 0 ? (
        <Table rows={filter.shown} rowKey={(u) => u.name} columns={identityColumns<IamUserInfo>('users')} />
      ) : null}
      <CreateUserDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function CreateUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const policies = useLoad(() => (open ? listPolicies() : Promise.resolve([])), [open]);
  const [name, setName] = useState('');
  const [policy, setPolicy] = useState('');
  const act = useAction();
  const submit = () =>
    void act.run(async () => {
      await iam('CreateUser', { UserName: name });
      const p = (policies.data ?? []).find((x) => x.name === policy);
      if (p) await attachPolicy('User', name, p.arn);
      onClose();
      navigate(`/users/${encodeURIComponent(name)}`);
    });
  return (
    <Dialog title="Create user" open={open} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {act.box}
        <NameField
          label="User name"
          hint="Letters, digits and + = , . @ _ - (up to 64). It cannot be changed later."
          autoFocus
          pattern={iamName(64)}
          value={name}
          onChange={setName}
        />
        <Field label="Initial policy (optional)">
          <select value={policy} onChange={(e) => setPolicy(e.target.value)}>
            <option value="">None</option>
            {(policies.data ?? []).map((p) => (
              <option key={p.arn} value={p.name}>
                {p.name}
                {p.builtin ? ' (built-in)' : ''}
              </option>
            ))}
          </select>
        </Field>
        <SubmitActions label="Create" onCancel={onClose} busy={act.busy} />
      </form>
    </Dialog>
  );
}
