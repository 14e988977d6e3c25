import { useState } from 'react';
import {
  attachPolicy,
  deleteInline,
  getGroup,
  type IamGroupInfo,
  type IamUserInfo,
  iam,
  listAttached,
  listGroups,
  listInline,
  listUsers,
} from '../../api/iam.js';
import { navigate } from '../../router.js';
import { SubmitActions } from '../../ui/dialog-actions.js';
import { Dialog, EmptyState, PageHeader, Table, useLoad } from '../../ui/index.js';
import { ConfirmButton } from '../../ui/secret-dialog.js';
import type { PageProps } from '../types.js';
import { LoadError, Section, Status, useAction } from './common.js';
import { identityColumns } from './identity-columns.js';
import { Membership } from './membership.js';
import { iamName, NameField } from './name-field.js';
import { AttachedPolicies, InlinePolicies } from './policies-panel.js';

export function GroupsPage(_props: PageProps) {
  const groups = useLoad(() => listGroups(), []);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const act = useAction();
  return (
    <>
      <PageHeader title="Groups">
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create group
        </button>
      </PageHeader>
      <LoadError error={groups.error} needs="iam:ListGroups (or admin:ListGroups)" />
      {groups.data && groups.data.length === 0 ? (
        <EmptyState title="No groups yet.">
          <p>A group gives its policies to every member: create one, attach policies, add users.</p>
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Create group
          </button>
        </EmptyState>
      ) : null}
      {groups.data && groups.data.length > 0 ? (
        <Table rows={groups.data} rowKey={(g) => g.name} columns={identityColumns<IamGroupInfo>('groups')} />
      ) : null}
      <Dialog title="Create group" open={creating} onClose={() => setCreating(false)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act
              .run(() => iam('CreateGroup', { GroupName: name }))
              .then((ok) => {
                if (!ok) return;
                setCreating(false);
                navigate(`/groups/${encodeURIComponent(name)}`);
              });
          }}
        >
          {act.box}
          <NameField label="Group name" autoFocus pattern={iamName(128)} value={name} onChange={setName} />
          <SubmitActions label="Create" onCancel={() => setCreating(false)} busy={act.busy} />
        </form>
      </Dialog>
    </>
  );
}

async function deleteGroupFully(name: string, members: readonly IamUserInfo[]): Promise<void> {
  for (const m of members) await iam('RemoveUserFromGroup', { GroupName: name, UserName: m.name });
  for (const p of await listAttached('Group', name)) await attachPolicy('Group', name, p.arn, true);
  for (const p of await listInline('Group', name)) await deleteInline('Group', name, p);
  await iam('DeleteGroup', { GroupName: name });
}

export function GroupPage({ params }: PageProps) {
  const name = params.name ?? '';
  const group = useLoad(() => getGroup(name), [name]);
  const users = useLoad(() => listUsers(), []);
  const act = useAction();
  const g = group.data;
  return (
    <>
      <PageHeader title={`Group ${name}`}>
        <a href="#/groups">All groups</a>
        {g ? (
          <button
            type="button"
            onClick={() =>
              void act
                .run(() =>
                  iam('UpdateGroup', {
                    GroupName: name,
                    Status: g.group.status === 'Active' ? 'Inactive' : 'Active',
                  }),
                )
                .then(group.reload)
            }
          >
            {g.group.status === 'Active' ? 'Disable group' : 'Enable group'}
          </button>
        ) : null}
        <ConfirmButton
          label="Delete group"
          question={
            <>
              Delete group <b>{name}</b>? Its members are removed and its policies detached first.
            </>
          }
          onConfirm={() =>
            act.run(() => deleteGroupFully(name, g?.users ?? [])).then((ok) => ok && navigate('/groups'))
          }
        />
      </PageHeader>
      <LoadError error={group.error} needs="iam:GetGroup" />
      {act.box}
      {g ? (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <Status value={g.group.status} />
              {g.group.status !== 'Active' ? <small> (its policies apply to no member)</small> : null}
            </dd>
            <dt>ARN</dt>
            <dd>
              <code>{g.group.arn}</code>
            </dd>
          </dl>
          <Section title="Members">
            {g.users.length === 0 ? <p className="muted">No members yet: add users below.</p> : null}
            <Membership
              members={g.users.map((u) => u.name)}
              candidates={(users.data ?? []).map((u) => u.name)}
              linkTo="users"
              listLabel="Members"
              addLabel="Add a member"
              chooseLabel="User to add"
              placeholder="Choose a user…"
              busy={act.busy}
              onRemove={(user) =>
                void act
                  .run(() => iam('RemoveUserFromGroup', { GroupName: name, UserName: user }))
                  .then(group.reload)
              }
              onAdd={(user) =>
                act.run(() => iam('AddUserToGroup', { GroupName: name, UserName: user })).then(group.reload)
              }
            />
          </Section>
          <AttachedPolicies kind="Group" name={name} />
          <InlinePolicies kind="Group" name={name} />
          <p>
            <a href={`#/simulator?principal=${encodeURIComponent(g.group.arn)}`}>
              Simulate a request for {name}
            </a>
          </p>
        </>
      ) : null}
    </>
  );
}
