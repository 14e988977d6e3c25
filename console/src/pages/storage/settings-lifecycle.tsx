import { useEffect, useState } from 'react';
import { deleteBucketDocument, getBucketDocument, putBucketDocument } from '../../api/s3.js';
import { useLoad } from '../../ui/index.js';
import { buildLifecycle, parseLifecycle, type SimpleRule } from './config-xml.js';
import { DeleteDocumentButton, LoadedSection, useAction } from './section.js';

function DaysField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: number | undefined;
  onChange: (v: number | undefined) => void;
}) {
  return (
    <label>
      <span>{label}</span>
      <input
        type="number"
        min={1}
        placeholder="off"
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    </label>
  );
}

function RuleForm({
  rule,
  index,
  onChange,
  onRemove,
}: {
  rule: SimpleRule;
  index: number;
  onChange: (r: SimpleRule) => void;
  onRemove: () => void;
}) {
  return (
    <fieldset className="rule">
      <legend>Rule {index + 1}</legend>
      <div className="inline-fields">
        <label>
          <span>Rule ID</span>
          <input value={rule.id} onChange={(e) => onChange({ ...rule, id: e.target.value })} />
        </label>
        <label>
          <span>Prefix</span>
          <input
            value={rule.prefix}
            placeholder="(every object)"
            onChange={(e) => onChange({ ...rule, prefix: e.target.value })}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={rule.enabled}
            onChange={(e) => onChange({ ...rule, enabled: e.target.checked })}
          />{' '}
          Enabled
        </label>
      </div>
      <div className="inline-fields">
        <DaysField
          label="Expire objects after (days)"
          value={rule.expirationDays}
          onChange={(v) => onChange({ ...rule, expirationDays: v })}
        />
        <DaysField
          label="Expire noncurrent versions after (days)"
          value={rule.noncurrentDays}
          onChange={(v) => onChange({ ...rule, noncurrentDays: v })}
        />
        <DaysField
          label="Abort incomplete multipart uploads after (days)"
          value={rule.abortMultipartDays}
          onChange={(v) => onChange({ ...rule, abortMultipartDays: v })}
        />
      </div>
      <button type="button" className="danger" onClick={onRemove}>
        Remove rule {index + 1}
      </button>
    </fieldset>
  );
}

/** Lifecycle rules: a simple form (expiration, prefix, noncurrent expiration, abort multipart) or the XML. */
export function LifecycleSection({ bucket }: { bucket: string }) {
  const load = useLoad(
    () => getBucketDocument(bucket, 'lifecycle', ['NoSuchLifecycleConfiguration']),
    [bucket],
  );
  const [rules, setRules] = useState<SimpleRule[]>([]);
  const [xml, setXml] = useState('');
  const [asXml, setAsXml] = useState(false);
  const action = useAction();
  useEffect(() => {
    if (load.loading || load.error !== undefined) return;
    const text = load.data ?? buildLifecycle([]);
    setXml(text);
    let parsed: SimpleRule[] | undefined;
    try {
      parsed = parseLifecycle(text);
    } catch {
      parsed = undefined;
    }
    if (parsed) setRules(parsed);
    setAsXml(parsed === undefined);
  }, [load.data, load.loading, load.error]);
  const switchMode = () => {
    if (!asXml) {
      setXml(buildLifecycle(rules));
      setAsXml(true);
      return;
    }
    try {
      const parsed = parseLifecycle(xml);
      if (parsed === undefined) {
        action.setError(new Error('These rules use settings the form cannot show; keep editing the XML.'));
        return;
      }
      setRules(parsed);
      setAsXml(false);
    } catch (e) {
      action.setError(e);
    }
  };
  const save = () => {
    const doc = asXml ? xml : buildLifecycle(rules);
    const empty = !asXml && rules.length === 0;
    action.run(
      () =>
        (empty
          ? deleteBucketDocument(bucket, 'lifecycle')
          : putBucketDocument(bucket, 'lifecycle', doc)
        ).then(load.reload),
      empty ? 'Lifecycle rules removed.' : 'Lifecycle rules saved.',
    );
  };
  return (
    <LoadedSection
      title="Lifecycle"
      description="Rules that expire objects, old versions and abandoned multipart uploads after a number of days."
      load={load}
      action={action}
    >
      {asXml ? (
        <label>
          <span>Lifecycle configuration (XML)</span>
          <textarea rows={10} value={xml} spellCheck={false} onChange={(e) => setXml(e.target.value)} />
        </label>
      ) : (
        <>
          {rules.length === 0 ? <p className="muted">No rules: objects are kept until deleted.</p> : null}
          {rules.map((r, i) => (
            <RuleForm
              // biome-ignore lint/suspicious/noArrayIndexKey: rules have no stable identity while edited
              key={i}
              rule={r}
              index={i}
              onChange={(nr) => setRules(rules.map((x, j) => (j === i ? nr : x)))}
              onRemove={() => setRules(rules.filter((_, j) => j !== i))}
            />
          ))}
          <button
            type="button"
            onClick={() =>
              setRules([
                ...rules,
                { id: `rule-${rules.length + 1}`, enabled: true, prefix: '', expirationDays: 30 },
              ])
            }
          >
            Add rule
          </button>
        </>
      )}
      <div className="section-actions">
        <button type="button" onClick={switchMode}>
          {asXml ? 'Edit as form' : 'Edit as XML'}
        </button>
        <button type="button" className="primary" disabled={action.busy || load.loading} onClick={save}>
          Save lifecycle
        </button>
        <DeleteDocumentButton
          bucket={bucket}
          subresource="lifecycle"
          label="Delete lifecycle"
          done="Lifecycle rules removed."
          load={load}
          action={action}
        />
      </div>
    </LoadedSection>
  );
}
