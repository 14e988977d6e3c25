import { useEffect, useState } from 'react';
import { getBucketDocument, type PolicyValidation, putBucketDocument, validatePolicy } from '../../api/s3.js';
import { useLoad } from '../../ui/index.js';
import { CORS_EXAMPLE } from './config-xml.js';
import { DeleteDocumentButton, LoadedSection, useAction } from './section.js';

function policyTemplate(bucket: string): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'PublicRead',
          Effect: 'Allow',
          Principal: '*',
          Action: ['s3:GetObject'],
          Resource: [`arn:aws:s3:::${bucket}/*`],
        },
      ],
    },
    null,
    2,
  );
}

function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

/** The validator's answer: each error at its JSON path, then the lint warnings. */
function ValidationResult({ result }: { result: PolicyValidation }) {
  return (
    <div className="validation" role="status">
      {result.valid ? (
        <p className="ok">The policy is valid.</p>
      ) : (
        <p className="deny">The policy has {result.errors.length} error(s).</p>
      )}
      {result.errors.length > 0 ? (
        <ul className="problems errors" aria-label="Policy errors">
          {result.errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <code>{e.path || '$'}</code> {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {result.warnings.length > 0 ? (
        <ul className="problems warnings" aria-label="Policy warnings">
          {result.warnings.map((w) => (
            <li key={`${w.path}:${w.message}`}>
              <code>{w.path || '$'}</code> {w.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The bucket policy as JSON: validate with the engine's parser, save, delete. */
export function PolicySection({ bucket }: { bucket: string }) {
  const load = useLoad(() => getBucketDocument(bucket, 'policy', ['NoSuchBucketPolicy']), [bucket]);
  const [text, setText] = useState('');
  const [result, setResult] = useState<PolicyValidation | undefined>();
  const action = useAction();
  useEffect(() => {
    if (load.data !== undefined) setText(pretty(load.data));
  }, [load.data]);
  return (
    <LoadedSection
      title="Bucket policy"
      description="A resource policy (JSON) that grants or denies access to this bucket and its objects."
      load={load}
      action={action}
    >
      {!load.loading && load.data === undefined && load.error === undefined ? (
        <p className="muted">
          No bucket policy: only identity policies decide.{' '}
          <button type="button" className="link" onClick={() => setText(policyTemplate(bucket))}>
            Start from an example
          </button>
        </p>
      ) : null}
      <label>
        <span>Policy document (JSON)</span>
        <textarea
          rows={14}
          value={text}
          spellCheck={false}
          onChange={(e) => {
            setText(e.target.value);
            setResult(undefined);
          }}
        />
      </label>
      {result ? <ValidationResult result={result} /> : null}
      <div className="section-actions">
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            action.run(async () => {
              setResult(await validatePolicy(text, 'resource'));
            }, '')
          }
        >
          Validate
        </button>
        <button
          type="button"
          className="primary"
          disabled={action.busy || text.trim() === ''}
          onClick={() =>
            action.run(
              () => putBucketDocument(bucket, 'policy', text, 'application/json').then(load.reload),
              'Bucket policy saved.',
            )
          }
        >
          Save policy
        </button>
        <DeleteDocumentButton
          bucket={bucket}
          subresource="policy"
          label="Delete policy"
          done="Bucket policy deleted."
          load={load}
          action={action}
          onDeleted={() => {
            setText('');
            setResult(undefined);
          }}
        />
      </div>
    </LoadedSection>
  );
}

/** CORS rules as S3's XML. */
export function CorsSection({ bucket }: { bucket: string }) {
  const load = useLoad(() => getBucketDocument(bucket, 'cors', ['NoSuchCORSConfiguration']), [bucket]);
  const [text, setText] = useState('');
  const action = useAction();
  useEffect(() => {
    if (load.data !== undefined) setText(load.data);
  }, [load.data]);
  return (
    <LoadedSection
      title="CORS"
      description="Which web origins may call this bucket from a browser (CORSConfiguration XML)."
      load={load}
      action={action}
    >
      {!load.loading && load.data === undefined && load.error === undefined ? (
        <p className="muted">
          No CORS rules: browsers on other origins cannot read this bucket.{' '}
          <button type="button" className="link" onClick={() => setText(CORS_EXAMPLE)}>
            Start from an example
          </button>
        </p>
      ) : null}
      <label>
        <span>CORS configuration (XML)</span>
        <textarea rows={10} value={text} spellCheck={false} onChange={(e) => setText(e.target.value)} />
      </label>
      <div className="section-actions">
        <button
          type="button"
          className="primary"
          disabled={action.busy || text.trim() === ''}
          onClick={() =>
            action.run(() => putBucketDocument(bucket, 'cors', text).then(load.reload), 'CORS saved.')
          }
        >
          Save CORS
        </button>
        <DeleteDocumentButton
          bucket={bucket}
          subresource="cors"
          label="Delete CORS"
          done="CORS rules deleted."
          load={load}
          action={action}
          onDeleted={() => setText('')}
        />
      </div>
    </LoadedSection>
  );
}
