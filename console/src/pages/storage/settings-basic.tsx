import { useEffect, useState } from 'react';
import { getBucketDocument, getVersioning, putBucketDocument, putVersioning } from '../../api/s3.js';
import { useLoad } from '../../ui/index.js';
import {
  buildObjectLock,
  buildPublicAccessBlock,
  type LockConfig,
  PUBLIC_ACCESS_FLAGS,
  type PublicAccessBlock,
  parseObjectLock,
  parsePublicAccessBlock,
} from './config-xml.js';
import { LoadedSection, Section, useAction } from './section.js';

export function VersioningSection({ bucket }: { bucket: string }) {
  const load = useLoad(() => getVersioning(bucket), [bucket]);
  const [status, setStatus] = useState<'Enabled' | 'Suspended'>('Enabled');
  const action = useAction();
  useEffect(() => {
    if (load.data !== undefined) setStatus(load.data === 'Enabled' ? 'Enabled' : 'Suspended');
  }, [load.data]);
  const now =
    load.data === undefined ? '' : ` Now: ${load.data === '' ? 'never enabled' : load.data.toLowerCase()}.`;
  return (
    <LoadedSection
      title="Versioning"
      description={`Keeps every version of each object, so overwritten and deleted objects can be restored.${now}`}
      load={load}
      action={action}
    >
      <fieldset>
        <legend className="visually-hidden">Versioning</legend>
        {(['Enabled', 'Suspended'] as const).map((s) => (
          <label key={s} className="check">
            <input
              type="radio"
              name={`versioning-${bucket}`}
              value={s}
              checked={status === s}
              onChange={() => setStatus(s)}
            />{' '}
            {s}
          </label>
        ))}
      </fieldset>
      <button
        type="button"
        disabled={action.busy || load.data === undefined}
        onClick={() => action.run(() => putVersioning(bucket, status).then(load.reload), 'Versioning saved.')}
      >
        Save versioning
      </button>
    </LoadedSection>
  );
}

export function ObjectLockSection({ bucket }: { bucket: string }) {
  const load = useLoad(
    () => getBucketDocument(bucket, 'object-lock', ['ObjectLockConfigurationNotFoundError']),
    [bucket],
  );
  const [config, setConfig] = useState<LockConfig>({ enabled: false });
  const action = useAction();
  useEffect(() => {
    if (load.data !== undefined) setConfig(parseObjectLock(load.data));
  }, [load.data]);
  if (!load.loading && load.data === undefined && load.error === undefined)
    return (
      <Section title="Object lock" error={undefined}>
        <p>Object lock is not enabled on this bucket. It can only be turned on when a bucket is created.</p>
      </Section>
    );
  const unit = config.years !== undefined ? 'Years' : 'Days';
  const amount = config.years ?? config.days ?? 1;
  const setPeriod = (u: string, n: number) =>
    setConfig({ ...config, days: u === 'Days' ? n : undefined, years: u === 'Years' ? n : undefined });
  return (
    <LoadedSection
      title="Object lock"
      description="Object versions are write-once: a default retention protects every new version for a time."
      load={load}
      action={action}
    >
      <label className="check">
        <input
          type="checkbox"
          checked={config.mode !== undefined}
          onChange={(e) => setConfig({ ...config, mode: e.target.checked ? 'GOVERNANCE' : undefined })}
        />{' '}
        Default retention
      </label>
      {config.mode !== undefined ? (
        <div className="inline-fields">
          <label>
            <span>Mode</span>
            <select
              value={config.mode}
              onChange={(e) => setConfig({ ...config, mode: e.target.value as 'GOVERNANCE' | 'COMPLIANCE' })}
            >
              <option value="GOVERNANCE">Governance</option>
              <option value="COMPLIANCE">Compliance</option>
            </select>
          </label>
          <label>
            <span>Retention period</span>
            <input
              type="number"
              min={1}
              value={amount}
              onChange={(e) => setPeriod(unit, Number(e.target.value))}
            />
          </label>
          <label>
            <span>Unit</span>
            <select value={unit} onChange={(e) => setPeriod(e.target.value, amount)}>
              <option value="Days">Days</option>
              <option value="Years">Years</option>
            </select>
          </label>
        </div>
      ) : null}
      <button
        type="button"
        disabled={action.busy || load.loading}
        onClick={() =>
          action.run(
            () => putBucketDocument(bucket, 'object-lock', buildObjectLock(config)).then(load.reload),
            'Object lock saved.',
          )
        }
      >
        Save object lock
      </button>
    </LoadedSection>
  );
}

export function PublicAccessSection({ bucket }: { bucket: string }) {
  const load = useLoad(
    () => getBucketDocument(bucket, 'publicAccessBlock', ['NoSuchPublicAccessBlockConfiguration']),
    [bucket],
  );
  const [flags, setFlags] = useState<PublicAccessBlock>(parsePublicAccessBlock(undefined));
  const action = useAction();
  useEffect(() => {
    if (!load.loading && load.error === undefined) setFlags(parsePublicAccessBlock(load.data));
  }, [load.data, load.loading, load.error]);
  return (
    <LoadedSection
      title="Public access block"
      description="Stops ACLs and bucket policies from opening this bucket to anonymous users."
      load={load}
      action={action}
    >
      {PUBLIC_ACCESS_FLAGS.map(([flag, label, help]) => (
        <label key={flag} className="check">
          <input
            type="checkbox"
            checked={flags[flag]}
            onChange={(e) => setFlags({ ...flags, [flag]: e.target.checked })}
          />{' '}
          {label} <small className="muted">— {help}</small>
        </label>
      ))}
      <button
        type="button"
        disabled={action.busy || load.loading}
        onClick={() =>
          action.run(
            () => putBucketDocument(bucket, 'publicAccessBlock', buildPublicAccessBlock(flags)),
            'Public access block saved.',
          )
        }
      >
        Save public access block
      </button>
    </LoadedSection>
  );
}
