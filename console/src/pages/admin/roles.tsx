import { useState } from 'react';
import {
  attachPolicy,
  deleteInline,
  iam,
  listAttached,
  listInline,
  type ValidationResult,
  validatePolicy,
} from '../../api/iam.js';
import { navigate } from '../../router.js';
import { SubmitActions } from '../../ui/dialog-actions.js';
import { EmptyState, PageHeader, Table, useLoad } from '../../ui/index.js';
import { JsonEditor } from '../../ui/json-editor.js';
import { ConfirmButton } from '../../ui/secret-dialog.js';
import type { PageProps } from '../types.js';
import { Field, href, LoadError, Section, STARTER_TRUST, savedOrShown, useAction, When } from './common.js';
import { getRole, type IamRoleInfo, listRoles } from './iam-api.js';
import { DescriptionField, iamName, NameField } from './name-field.js';
import { AttachedPolicies, InlinePolicies } from './policies-panel.js';

function hours(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${seconds} s`;
}

export function RolesPage(_props: PageProps) {
  const roles = useLoad(() => listRoles(), []);
  return (
    <>
      <PageHeader title="Roles">
        <a className="button primary" href="#/roles-new">
          Create role
        </a>
      </PageHeader>
      <LoadError error={roles.error} needs="iam:ListRoles" />
      {roles.data && roles.data.length === 0 ? (
        <EmptyState title="No roles yet.">
          <p>
            A role is assumed through STS (AssumeRole, a web identity, LDAP) for short-lived credentials. Its
            trust policy says who may assume it; its permission policies what the session may do.
          </p>
          <a className="button primary" href="#/roles-new">
            Create role
          </a>
        </EmptyState>
      ) : null}
      {roles.data && roles.data.length > 0 ? (
        <Table
          rows={roles.data}
          rowKey={(r) => r.name}
          columns={[
            { header: 'Name', cell: (r: IamRoleInfo) => <a href={href('roles', r.name)}>{r.name}</a> },
            { header: 'Description', cell: (r: IamRoleInfo) => r.description },
            { header: 'Max session', cell: (r: IamRoleInfo) => hours(r.maxSessionDuration) },
            { header: 'ARN', cell: (r: IamRoleInfo) => <code className="arn">{r.arn}</code> },
            { header: 'Created', cell: (r: IamRoleInfo) => <When iso={r.created} /> },
          ]}
        />
      ) : null}
    </>
  );
}

function DurationField({ value, onChange }: { value: number; onChange: (s: number) => void }) {
  return (
    <Field label="Maximum session duration" hint="From 1 to 12 hours.">
      <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {[1, 2, 4, 6, 8, 12].map((h) => (
          <option key={h} value={h * 3600}>
            {h} hour{h === 1 ? '' : 's'}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function NewRolePage(_props: PageProps) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [duration, setDuration] = useState(3600);
  const [trust, setTrust] = useState(STARTER_TRUST);
  const [validation, setValidation] = useState<ValidationResult>();
  const act = useAction();
  return (
    <>
      <PageHeader title="Create role">
        <a href="#/roles">All roles</a>
      </PageHeader>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void act.run(async () => {
            const v = await validatePolicy(trust, 'trust');
            setValidation(v);
            if (!v.valid) return;
            const saved = await savedOrShown(
              () =>
                iam('CreateRole', {
                  RoleName: name,
                  AssumeRolePolicyDocument: trust,
                  MaxSessionDuration: String(duration),
                  ...(description === '' ? {} : { Description: description }),
                }),
              setValidation,
            );
            if (saved) navigate(`/roles/${encodeURIComponent(name)}`);
          });
        }}
      >
        {act.box}
        <NameField label="Role name" pattern={iamName(64)} value={name} onChange={setName} />
        <DescriptionField value={description} onChange={setDescription} />
        <DurationField value={duration} onChange={setDuration} />
        <JsonEditor
          label="Trust policy (who may assume the role)"
          kind="trust"
          value={trust}
          onChange={setTrust}
          validation={validation}
          onValidation={setValidation}
        />
        <div className="dialog-actions">
          <a className="button" href="#/roles">
            Cancel
          </a>
          <button type="submit" className="primary" disabled={act.busy}>
            Create role
          </button>
        </div>
      </form>
    </>
  );
}

async function deleteRoleFully(name: string): Promise<void> {
  for (const p of await listAttached('Role', name)) await attachPolicy('Role', name, p.arn, true);
  for (const p of await listInline('Role', name)) await deleteInline('Role', name, p);
  await iam('DeleteRole', { RoleName: name });
}

function TrustPolicy({ role, onSaved }: { role: IamRoleInfo; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [doc, setDoc] = useState(role.trustPolicy);
  const [validation, setValidation] = useState<ValidationResult>();
  const act = useAction();
  return (
    <Section
      title="Trust policy"
      actions={
        editing ? null : (
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        )
      }
    >
      {act.box}
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act.run(async () => {
              const v = await validatePolicy(doc, 'trust');
              setValidation(v);
              if (!v.valid) return;
              const saved = await savedOrShown(
                () => iam('UpdateAssumeRolePolicy', { RoleName: role.name, PolicyDocument: doc }),
                setValidation,
              );
              if (!saved) return;
              setEditing(false);
              onSaved();
            });
          }}
        >
          <JsonEditor
            label="Trust policy"
            kind="trust"
            value={doc}
            onChange={setDoc}
            validation={validation}
            onValidation={setValidation}
          />
          <SubmitActions label="Save trust policy" onCancel={() => setEditing(false)} />
        </form>
      ) : (
        <pre className="json">{role.trustPolicy}</pre>
      )}
    </Section>
  );
}

export function RolePage({ params }: PageProps) {
  const name = params.name ?? '';
  const role = useLoad(() => getRole(name), [name]);
  const act = useAction();
  const r = role.data;
  return (
    <>
      <PageHeader title={`Role ${name}`}>
        <a href="#/roles">All roles</a>
        <ConfirmButton
          label="Delete role"
          question={
            <>
              Delete role <b>{name}</b>? Its policies are detached first, and its sessions stop working at
              once.
            </>
          }
          onConfirm={() => act.run(() => deleteRoleFully(name)).then((ok) => ok && navigate('/roles'))}
        />
      </PageHeader>
      <LoadError error={role.error} needs="iam:GetRole" />
      {act.box}
      {r ? (
        <>
          <dl className="facts">
            <dt>ARN</dt>
            <dd>
              <code>{r.arn}</code>
            </dd>
            <dt>Description</dt>
            <dd>{r.description || <span className="muted">—</span>}</dd>
            <dt>Created</dt>
            <dd>
              <When iso={r.created} />
            </dd>
          </dl>
          <form
            className="inline-form"
            onSubmit={(e) => e.preventDefault()}
            aria-label="Maximum session duration"
          >
            <DurationField
              value={r.maxSessionDuration}
              onChange={(s) =>
                void act
                  .run(() => iam('UpdateRole', { RoleName: name, MaxSessionDuration: String(s) }))
                  .then(role.reload)
              }
            />
          </form>
          <TrustPolicy key={r.trustPolicy} role={r} onSaved={role.reload} />
          <AttachedPolicies kind="Role" name={name} />
          <InlinePolicies kind="Role" name={name} />
          <p>
            <a href={`#/simulator?principal=${encodeURIComponent(r.arn)}`}>
              Simulate a request with this role
            </a>
          </p>
        </>
      ) : null}
    </>
  );
}
