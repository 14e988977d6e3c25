import { useState } from 'react';
import { type ValidationResult, validatePolicy } from '../../api/iam.js';
import { SubmitActions } from '../../ui/dialog-actions.js';
import { Dialog, EmptyState, Table, useLoad } from '../../ui/index.js';
import { JsonEditor } from '../../ui/json-editor.js';
import { ConfirmButton, SecretDialog } from '../../ui/secret-dialog.js';
import { Field, LoadError, Section, Status, useAction, When } from './common.js';
import {
  type AccessKeyInfo,
  createAccessKey,
  deleteAccessKey,
  listAccessKeys,
  type NewAccessKey,
  setAccessKeyStatus,
} from './iam-api.js';

interface Extras {
  name: string;
  description: string;
  expiration: string;
  policy: string;
}

const NO_EXTRAS: Extras = { name: '', description: '', expiration: '', policy: '' };

/** The create form's optional fields: name, description, expiry, and a policy that narrows the key. */
function ExtrasForm({
  value,
  onChange,
  validation,
  onValidation,
}: {
  value: Extras;
  onChange: (v: Extras) => void;
  validation: ValidationResult | undefined;
  onValidation: (v: ValidationResult | undefined) => void;
}) {
  const [withPolicy, setWithPolicy] = useState(value.policy !== '');
  return (
    <>
      <Field label="Name (optional)">
        <input value={value.name} onChange={(e) => onChange({ ...value, name: e.target.value })} />
      </Field>
      <Field label="Description (optional)">
        <input
          value={value.description}
          onChange={(e) => onChange({ ...value, description: e.target.value })}
        />
      </Field>
      <Field label="Expires (optional)" hint="After this time the key stops working.">
        <input
          type="datetime-local"
          value={value.expiration}
          onChange={(e) => onChange({ ...value, expiration: e.target.value })}
        />
      </Field>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={withPolicy}
          onChange={(e) => {
            setWithPolicy(e.target.checked);
            onChange({
              ...value,
              policy: e.target.checked ? '{\n  "Version": "2012-10-17",\n  "Statement": []\n}' : '',
            });
          }}
        />{' '}
        Restrict the key with its own policy (it can never do more than its owner)
      </label>
      {withPolicy ? (
        <JsonEditor
          label="Key policy"
          kind="identity"
          rows={10}
          value={value.policy}
          onChange={(policy) => onChange({ ...value, policy })}
          validation={validation}
          onValidation={onValidation}
        />
      ) : null}
    </>
  );
}

/**
 * A principal's access keys (Tessera's service accounts): create — the secret shown once —,
 * deactivate / activate, delete. `user` undefined: the signed-in principal's own keys.
 */
export function AccessKeys({
  user,
  title = 'Access keys',
  withExtras = false,
}: {
  user: string | undefined;
  title?: string;
  withExtras?: boolean;
}) {
  const keys = useLoad(() => listAccessKeys(user), [user]);
  const [creating, setCreating] = useState(false);
  const [extras, setExtras] = useState<Extras>(NO_EXTRAS);
  const [validation, setValidation] = useState<ValidationResult>();
  const [created, setCreated] = useState<NewAccessKey>();
  const act = useAction();
  const create = () =>
    void act.run(async () => {
      if (extras.policy !== '') {
        const v = await validatePolicy(extras.policy, 'identity');
        setValidation(v);
        if (!v.valid) return;
      }
      const expiration = extras.expiration === '' ? undefined : new Date(extras.expiration).toISOString();
      const k = await createAccessKey(user, {
        name: extras.name,
        description: extras.description,
        policy: extras.policy,
        ...(expiration === undefined ? {} : { expiration }),
      });
      setCreating(false);
      setExtras(NO_EXTRAS);
      setCreated(k);
      keys.reload();
    });
  const columns = [
    { header: 'Access key', cell: (k: AccessKeyInfo) => <code>{k.accessKey}</code> },
    ...(withExtras
      ? [
          { header: 'Name', cell: (k: AccessKeyInfo) => k.name || <span className="muted">—</span> },
          { header: 'Description', cell: (k: AccessKeyInfo) => k.description },
          { header: 'Expires', cell: (k: AccessKeyInfo) => <When iso={k.expiration} /> },
        ]
      : []),
    { header: 'Status', cell: (k: AccessKeyInfo) => <Status value={k.status} /> },
    { header: 'Created', cell: (k: AccessKeyInfo) => <When iso={k.created} /> },
    {
      header: 'Actions',
      cell: (k: AccessKeyInfo) => (
        <span className="row-actions">
          {k.status === 'Expired' ? null : (
            <button
              type="button"
              onClick={() =>
                void act
                  .run(() => setAccessKeyStatus(user, k.accessKey, k.status !== 'Active'))
                  .then(keys.reload)
              }
            >
              {k.status === 'Active' ? 'Deactivate' : 'Activate'}
            </button>
          )}
          <ConfirmButton
            label="Delete"
            question={
              <>
                Delete access key <code>{k.accessKey}</code>? Clients using it stop working at once.
              </>
            }
            onConfirm={() => act.run(() => deleteAccessKey(user, k.accessKey)).then(keys.reload)}
          />
        </span>
      ),
    },
  ];
  return (
    <Section
      title={title}
      actions={
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create access key
        </button>
      }
    >
      <LoadError error={keys.error} needs="iam:ListAccessKeys (or admin:ListServiceAccounts)" />
      {creating ? null : act.box}
      {keys.data && keys.data.length === 0 ? (
        <EmptyState title="No access key yet.">
          <p>Create one to let a program (or this console) sign in with it; its secret is shown once.</p>
        </EmptyState>
      ) : null}
      {keys.data && keys.data.length > 0 ? (
        <Table rows={keys.data} columns={columns} rowKey={(k) => k.accessKey} />
      ) : null}
      <Dialog title="Create access key" open={creating} onClose={() => setCreating(false)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create();
          }}
        >
          {act.box}
          <p>
            A new key for {user === undefined ? 'you' : <b>{user}</b>}. It acts with{' '}
            {user === undefined ? 'your' : 'the user’s'} permissions
            {withExtras ? ', narrowed by its own policy if you give one' : ''}.
          </p>
          {withExtras ? (
            <ExtrasForm
              value={extras}
              onChange={setExtras}
              validation={validation}
              onValidation={setValidation}
            />
          ) : null}
          <SubmitActions label="Create" onCancel={() => setCreating(false)} busy={act.busy} />
        </form>
      </Dialog>
      <SecretDialog title="Access key created" credentials={created} onClose={() => setCreated(undefined)} />
    </Section>
  );
}
