import { useState } from 'react';
import {
  attachPolicy,
  deleteInline,
  type EntityKind,
  getInline,
  listAttached,
  listInline,
  listPolicies,
  putInline,
  type ValidationResult,
  validatePolicy,
} from '../../api/iam.js';
import { SubmitActions } from '../../ui/dialog-actions.js';
import { Dialog, EmptyState, useLoad } from '../../ui/index.js';
import { JsonEditor } from '../../ui/json-editor.js';
import { ConfirmButton } from '../../ui/secret-dialog.js';
import { href, LoadError, Section, STARTER_POLICY, savedOrShown, useAction } from './common.js';
import { iamName, NameField } from './name-field.js';

/** Managed policies attached to a user, group or role: attach one from the list, detach. */
export function AttachedPolicies({
  kind,
  name,
  onChange,
}: {
  kind: EntityKind;
  name: string;
  onChange?: () => void;
}) {
  const attached = useLoad(() => listAttached(kind, name), [kind, name]);
  const all = useLoad(() => listPolicies(), []);
  const [choice, setChoice] = useState('');
  const act = useAction();
  const names = new Set((attached.data ?? []).map((p) => p.name));
  const candidates = (all.data ?? []).filter((p) => !names.has(p.name));
  const done = () => {
    attached.reload();
    onChange?.();
  };
  return (
    <Section title="Attached policies">
      <LoadError error={attached.error} />
      {act.box}
      {attached.data && attached.data.length === 0 ? (
        <EmptyState title={`No managed policy is attached to this ${kind.toLowerCase()}.`}>
          <p>Attach one below; without a policy that allows something, every request is denied.</p>
        </EmptyState>
      ) : null}
      {attached.data && attached.data.length > 0 ? (
        <ul className="chips" aria-label="Attached policies">
          {attached.data.map((p) => (
            <li key={p.arn}>
              <a href={href('policies', p.name)}>{p.name}</a>
              <ConfirmButton
                label="Detach"
                className="link danger"
                question={
                  <>
                    Detach <b>{p.name}</b> from {kind.toLowerCase()} <b>{name}</b>?
                  </>
                }
                onConfirm={() => act.run(() => attachPolicy(kind, name, p.arn, true)).then(done)}
              />
            </li>
          ))}
        </ul>
      ) : null}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const p = candidates.find((c) => c.name === choice);
          if (p)
            void act
              .run(() => attachPolicy(kind, name, p.arn))
              .then(() => {
                setChoice('');
                done();
              });
        }}
      >
        <label>
          <span>Attach a policy</span>
          <select value={choice} onChange={(e) => setChoice(e.target.value)} aria-label="Policy to attach">
            <option value="">Choose a policy…</option>
            {candidates.map((p) => (
              <option key={p.arn} value={p.name}>
                {p.name}
                {p.builtin ? ' (built-in)' : ''}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={choice === '' || act.busy}>
          Attach
        </button>
      </form>
    </Section>
  );
}

/** Inline policies: each one's document in the editor, added, replaced and deleted. */
export function InlinePolicies({ kind, name }: { kind: EntityKind; name: string }) {
  const list = useLoad(() => listInline(kind, name), [kind, name]);
  const [editing, setEditing] = useState<{ name: string; document: string; isNew: boolean }>();
  const [validation, setValidation] = useState<ValidationResult>();
  const act = useAction();
  const open = (policy: string) =>
    void act.run(async () => {
      setValidation(undefined);
      setEditing({ name: policy, document: await getInline(kind, name, policy), isNew: false });
    });
  const save = () =>
    void act.run(async () => {
      if (!editing) return;
      const v = await validatePolicy(editing.document, 'identity');
      setValidation(v);
      if (!v.valid) return;
      if (!(await savedOrShown(() => putInline(kind, name, editing.name, editing.document), setValidation)))
        return;
      setEditing(undefined);
      list.reload();
    });
  return (
    <Section
      title="Inline policies"
      actions={
        <button
          type="button"
          onClick={() => {
            setValidation(undefined);
            setEditing({ name: '', document: STARTER_POLICY, isNew: true });
          }}
        >
          Add inline policy
        </button>
      }
    >
      <LoadError error={list.error} />
      {editing ? null : act.box}
      {list.data && list.data.length === 0 ? (
        <p className="muted">No inline policy. Inline policies belong to this {kind.toLowerCase()} alone.</p>
      ) : null}
      <ul className="chips" aria-label="Inline policies">
        {(list.data ?? []).map((p) => (
          <li key={p}>
            <button type="button" className="link" onClick={() => open(p)}>
              {p}
            </button>
            <ConfirmButton
              label="Delete"
              className="link danger"
              question={
                <>
                  Delete the inline policy <b>{p}</b>?
                </>
              }
              onConfirm={() => act.run(() => deleteInline(kind, name, p)).then(() => list.reload())}
            />
          </li>
        ))}
      </ul>
      <Dialog
        title={editing?.isNew ? 'Add inline policy' : `Inline policy ${editing?.name ?? ''}`}
        open={editing !== undefined}
        onClose={() => setEditing(undefined)}
      >
        {editing ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              save();
            }}
          >
            {act.box}
            {editing.isNew ? (
              <NameField
                label="Policy name"
                pattern={iamName(128)}
                value={editing.name}
                onChange={(v) => setEditing({ ...editing, name: v })}
              />
            ) : null}
            <JsonEditor
              label="Policy document"
              kind="identity"
              value={editing.document}
              onChange={(d) => setEditing({ ...editing, document: d })}
              validation={validation}
              onValidation={setValidation}
            />
            <SubmitActions label="Save" onCancel={() => setEditing(undefined)} busy={act.busy} />
          </form>
        ) : null}
      </Dialog>
    </Section>
  );
}
