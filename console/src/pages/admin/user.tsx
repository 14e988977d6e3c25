import { useState } from 'react';
import {
  attachPolicy,
  deleteInline,
  getUser,
  hasLoginProfile,
  iam,
  listAttached,
  listGroups,
  listGroupsForUser,
  listInline,
  setUserStatus,
} from '../../api/iam.js';
import { navigate } from '../../router.js';
import { SubmitActions } from '../../ui/dialog-actions.js';
import { Dialog, PageHeader, useLoad } from '../../ui/index.js';
import { ConfirmButton } from '../../ui/secret-dialog.js';
import type { PageProps } from '../types.js';
import { AccessKeys } from './access-keys.js';
import { Field, LoadError, Section, Status, useAction, When } from './common.js';
import { deleteAccessKey, listAccessKeys } from './iam-api.js';
import { Membership } from './membership.js';
import { AttachedPolicies, InlinePolicies } from './policies-panel.js';

/** Deletes a user the way AWS wants it: keys, password, groups and policies first. */
async function deleteUserFully(name: string): Promise<void> {
  for (const k of await listAccessKeys(name)) await deleteAccessKey(name, k.accessKey);
  if (await hasLoginProfile(name)) await iam('DeleteLoginProfile', { UserName: name });
  for (const g of await listGroupsForUser(name))
    await iam('RemoveUserFromGroup', { GroupName: g.name, UserName: name });
  for (const p of await listAttached('User', name)) await attachPolicy('User', name, p.arn, true);
  for (const p of await listInline('User', name)) await deleteInline('User', name, p);
  await iam('DeleteUser', { UserName: name });
}

function UserGroups({ name }: { name: string }) {
  const groups = useLoad(() => listGroupsForUser(name), [name]);
  const all = useLoad(() => listGroups(), []);
  const act = useAction();
  return (
    <Section title="Groups">
      <LoadError error={groups.error} />
      {act.box}
      {groups.data && groups.data.length === 0 ? (
        <p className="muted">Not a member of any group. A group's policies apply to all of its members.</p>
      ) : null}
      <Membership
        members={(groups.data ?? []).map((g) => g.name)}
        candidates={(all.data ?? []).map((g) => g.name)}
        linkTo="groups"
        listLabel="Groups of the user"
        addLabel="Add to group"
        chooseLabel="Group to join"
        placeholder="Choose a group…"
        busy={act.busy}
        onRemove={(group) =>
          void act
            .run(() => iam('RemoveUserFromGroup', { GroupName: group, UserName: name }))
            .then(groups.reload)
        }
        onAdd={(group) =>
          act.run(() => iam('AddUserToGroup', { GroupName: group, UserName: name })).then(groups.reload)
        }
      />
    </Section>
  );
}

/** The user's own secret (AWS's login profile; in Tessera the user signs as its name with it). */
function Password({ name }: { name: string }) {
  const has = useLoad(() => hasLoginProfile(name), [name]);
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const act = useAction();
  return (
    <Section title="Password">
      <LoadError error={has.error} />
      {act.box}
      <p>
        {has.data
          ? 'The user has a password: it signs in (and signs requests) with its user name as access key and the password as secret key.'
          : 'No password: the user signs in only with access keys.'}
      </p>
      <div className="page-actions">
        <button type="button" onClick={() => setOpen(true)}>
          {has.data ? 'Change password' : 'Set password'}
        </button>
        {has.data ? (
          <ConfirmButton
            label="Remove password"
            question="Remove the password? The user's access keys keep working."
            onConfirm={() => act.run(() => iam('DeleteLoginProfile', { UserName: name })).then(has.reload)}
          />
        ) : null}
      </div>
      <Dialog title="Password" open={open} onClose={() => setOpen(false)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act
              .run(() =>
                iam(has.data ? 'UpdateLoginProfile' : 'CreateLoginProfile', {
                  UserName: name,
                  Password: password,
                }),
              )
              .then((ok) => {
                setPassword('');
                if (ok) setOpen(false);
                has.reload();
              });
          }}
        >
          {act.box}
          <Field label="New password" hint="At least 8 characters.">
            <input
              type="password"
              autoComplete="new-password"
              minLength={8}
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <SubmitActions label="Save" onCancel={() => setOpen(false)} />
        </form>
      </Dialog>
    </Section>
  );
}

/** One user: status, groups, policies, password and access keys. */
export function UserPage({ params }: PageProps) {
  const name = params.name ?? '';
  const user = useLoad(() => getUser(name), [name]);
  const act = useAction();
  const u = user.data;
  return (
    <>
      <PageHeader title={`User ${name}`}>
        <a href="#/users">All users</a>
        {u ? (
          <button
            type="button"
            onClick={() => void act.run(() => setUserStatus(name, u.status !== 'Active')).then(user.reload)}
          >
            {u.status === 'Active' ? 'Disable user' : 'Enable user'}
          </button>
        ) : null}
        <ConfirmButton
          label="Delete user"
          question={
            <>
              Delete user <b>{name}</b>? Its access keys and password are deleted, and it leaves its groups
              and loses its policies first.
            </>
          }
          onConfirm={() => act.run(() => deleteUserFully(name)).then((ok) => ok && navigate('/users'))}
        />
      </PageHeader>
      <LoadError error={user.error} needs="iam:GetUser" />
      {act.box}
      {u ? (
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <Status value={u.status} />
            {u.status !== 'Active' ? <small> (requests with its keys and sessions are refused)</small> : null}
          </dd>
          <dt>ARN</dt>
          <dd>
            <code>{u.arn}</code>
          </dd>
          <dt>Created</dt>
          <dd>
            <When iso={u.created} />
          </dd>
        </dl>
      ) : null}
      {u ? (
        <>
          <AttachedPolicies kind="User" name={name} />
          <InlinePolicies kind="User" name={name} />
          <UserGroups name={name} />
          <AccessKeys user={name} />
          <Password name={name} />
          <p>
            <a href={`#/simulator?principal=${encodeURIComponent(u.arn)}`}>Simulate a request as {name}</a>
          </p>
        </>
      ) : null}
    </>
  );
}
