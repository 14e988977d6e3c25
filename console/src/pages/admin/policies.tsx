import { useState } from 'react';
import {
  deletePolicy,
  getPolicyByName,
  type IamPolicyInfo,
  iam,
  listEntitiesForPolicy,
  listPolicies,
  listPolicyVersions,
  savePolicyVersion,
  type ValidationResult,
  validatePolicy,
} from '../../api/iam.js';
import { navigate } from '../../router.js';
import { EmptyState, PageHeader, Table, useLoad } from '../../ui/index.js';
import { JsonEditor } from '../../ui/json-editor.js';
import { ConfirmButton } from '../../ui/secret-dialog.js';
import type { PageProps } from '../types.js';
import { href, LoadError, Section, STARTER_POLICY, savedOrShown, useAction, When } from './common.js';
import { DescriptionField, iamName, NameField } from './name-field.js';
import { useNameFilter } from './name-filter.js';

export function PoliciesPage(_props: PageProps) {
  const policies = useLoad(() => listPolicies(), []);
  const filter = useNameFilter(policies.data, 'Filter policies');
  const local = (policies.data ?? []).filter((p) => !p.builtin);
  return (
    <>
      <PageHeader title="Policies">
        {filter.input}
        <a className="button primary" href="#/policies-new">
          Create policy
        </a>
      </PageHeader>
      <LoadError error={policies.error} needs="iam:ListPolicies (or admin:ListUserPolicies)" />
      {policies.data && local.length === 0 ? (
        <EmptyState title="No policy of your own yet.">
          <p>
            The built-in policies below grant broad access. Create a policy that allows just what a user
            needs, then attach it to the user, a group or a role.
          </p>
          <a className="button primary" href="#/policies-new">
            Create policy
          </a>
        </EmptyState>
      ) : null}
      {policies.data ? (
        <Table
          rows={filter.shown}
          rowKey={(p) => p.arn}
          columns={[
            {
              header: 'Name',
              cell: (p: IamPolicyInfo) => (
                <>
                  <a href={href('policies', p.name)}>{p.name}</a>
                  {p.builtin ? <span className="badge badge-builtin">built-in</span> : null}
                </>
              ),
            },
            { header: 'Description', cell: (p: IamPolicyInfo) => p.description },
            { header: 'Attached to', cell: (p: IamPolicyInfo) => p.attachments },
            { header: 'Version', cell: (p: IamPolicyInfo) => p.defaultVersion },
            { header: 'Updated', cell: (p: IamPolicyInfo) => <When iso={p.updated} /> },
          ]}
        />
      ) : null}
    </>
  );
}

/** Create (no name) or edit a managed policy: validate first, then CreatePolicy / CreatePolicyVersion. */
function PolicyEditor({
  existing,
  initial,
  onDone,
}: {
  existing?: IamPolicyInfo;
  initial: string;
  onDone?: () => void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [document, setDocument] = useState(initial);
  const [validation, setValidation] = useState<ValidationResult>();
  const act = useAction();
  const save = () =>
    void act.run(async () => {
      const v = await validatePolicy(document, 'identity');
      setValidation(v);
      if (!v.valid) return;
      if (existing) {
        if (await savedOrShown(() => savePolicyVersion(existing.arn, document), setValidation)) onDone?.();
      } else {
        const saved = await savedOrShown(
          () =>
            iam('CreatePolicy', {
              PolicyName: name,
              PolicyDocument: document,
              ...(description === '' ? {} : { Description: description }),
            }),
          setValidation,
        );
        if (saved) navigate(`/policies/${encodeURIComponent(name)}`);
      }
    });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      {act.box}
      {existing ? null : (
        <>
          <NameField
            label="Policy name"
            hint="Letters, digits and + = , . @ _ - (up to 128)."
            pattern={iamName(128)}
            value={name}
            onChange={setName}
          />
          <DescriptionField value={description} onChange={setDescription} />
        </>
      )}
      <JsonEditor
        label="Policy document"
        kind="identity"
        value={document}
        onChange={setDocument}
        validation={validation}
        onValidation={setValidation}
      />
      <div className="dialog-actions">
        {existing ? (
          <button type="button" onClick={() => onDone?.()}>
            Cancel
          </button>
        ) : (
          <a className="button" href="#/policies">
            Cancel
          </a>
        )}
        <button type="submit" className="primary" disabled={act.busy}>
          {existing ? 'Save new version' : 'Create policy'}
        </button>
      </div>
    </form>
  );
}

export function NewPolicyPage(_props: PageProps) {
  return (
    <>
      <PageHeader title="Create policy">
        <a href="#/policies">All policies</a>
      </PageHeader>
      <p className="hint">
        An identity policy: attach it to users, groups or roles. "Validate" checks it with the same engine
        that enforces it and points at each error.
      </p>
      <PolicyEditor initial={STARTER_POLICY} />
    </>
  );
}

function Entities({ arn }: { arn: string }) {
  const e = useLoad(() => listEntitiesForPolicy(arn), [arn]);
  const d = e.data;
  const none = d && d.users.length + d.groups.length + d.roles.length === 0;
  return (
    <Section title="Used by">
      <LoadError error={e.error} />
      {none ? <p className="muted">Not attached to any user, group or role.</p> : null}
      {d ? (
        <ul className="chips" aria-label="Entities using the policy">
          {d.users.map((u) => (
            <li key={`u/${u}`}>
              user <a href={href('users', u)}>{u}</a>
            </li>
          ))}
          {d.groups.map((g) => (
            <li key={`g/${g}`}>
              group <a href={href('groups', g)}>{g}</a>
            </li>
          ))}
          {d.roles.map((r) => (
            <li key={`r/${r}`}>
              role <a href={href('roles', r)}>{r}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}

export function PolicyPage({ params }: PageProps) {
  const name = params.name ?? '';
  const found = useLoad(() => getPolicyByName(name), [name]);
  const [editing, setEditing] = useState(false);
  const act = useAction();
  const f = found.data;
  const versions = useLoad(
    () => (f ? listPolicyVersions(f.policy.arn) : Promise.resolve([])),
    [f?.policy.arn],
  );
  return (
    <>
      <PageHeader title={`Policy ${name}`}>
        <a href="#/policies">All policies</a>
        {f && !f.policy.builtin && !editing ? (
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        ) : null}
        {f && !f.policy.builtin ? (
          <ConfirmButton
            label="Delete policy"
            question={
              <>
                Delete policy <b>{name}</b> and all its versions? It must not be attached to anyone.
              </>
            }
            onConfirm={() =>
              act.run(() => deletePolicy(f.policy.arn)).then((ok) => ok && navigate('/policies'))
            }
          />
        ) : null}
      </PageHeader>
      <LoadError error={found.error} needs="iam:GetPolicy" />
      {act.box}
      {found.data === undefined && !found.loading && !found.error ? (
        <EmptyState title={`There is no policy named ${name}.`}>
          <a href="#/policies">See all policies</a>
        </EmptyState>
      ) : null}
      {f ? (
        <>
          <dl className="facts">
            <dt>ARN</dt>
            <dd>
              <code>{f.policy.arn}</code>
            </dd>
            <dt>Kind</dt>
            <dd>
              {f.policy.builtin ? 'Built-in (MinIO canned policy; read-only)' : 'Managed by this account'}
            </dd>
            {f.policy.description ? (
              <>
                <dt>Description</dt>
                <dd>{f.policy.description}</dd>
              </>
            ) : null}
            <dt>Default version</dt>
            <dd>
              {f.policy.defaultVersion}
              {versions.data && versions.data.length > 1 ? ` (of ${versions.data.length})` : ''}
            </dd>
          </dl>
          {editing ? (
            <PolicyEditor
              existing={f.policy}
              initial={f.document}
              onDone={() => {
                setEditing(false);
                found.reload();
                versions.reload();
              }}
            />
          ) : (
            <Section title="Document">
              <pre className="json policy-document">{f.document}</pre>
            </Section>
          )}
          <Entities arn={f.policy.arn} />
        </>
      ) : null}
    </>
  );
}
