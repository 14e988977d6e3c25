import { useEffect, useState } from 'react';
import { getObjectTags, putObjectTags, type Tag } from '../../api/s3-objects.js';
import { Dialog, ErrorBox, useLoad } from '../../ui/index.js';
import type { ObjectDialogProps } from './object-dialog.js';

/** S3 allows 10 tags per object. */
const MAX_TAGS = 10;

/** GetObjectTagging / PutObjectTagging as an editable list of key–value pairs. */
export function TagsDialog({ bucket, objectKey, onClose }: ObjectDialogProps) {
  const load = useLoad(() => getObjectTags(bucket, objectKey), [bucket, objectKey]);
  const [tags, setTags] = useState<Tag[]>([]);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (load.data) setTags(load.data);
  }, [load.data]);
  const set = (i: number, t: Tag) => {
    setSaved(false);
    setTags(tags.map((x, j) => (j === i ? t : x)));
  };
  const save = () => {
    setBusy(true);
    setError(undefined);
    setSaved(false);
    putObjectTags(
      bucket,
      objectKey,
      tags.filter((t) => t.key !== ''),
    ).then(
      () => {
        setBusy(false);
        setSaved(true);
        load.reload();
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
      },
    );
  };
  return (
    <Dialog title="Object tags" open onClose={onClose}>
      <p className="muted">
        <code>{objectKey}</code> — tags are key–value pairs that policies and lifecycle rules can match.
      </p>
      <ErrorBox error={load.error ?? error} />
      {tags.length === 0 && !load.loading ? <p>No tags yet. Choose “Add tag” to add one.</p> : null}
      {tags.map((t, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity while edited
        <div key={i} className="inline-fields tag-row">
          <label>
            <span>Tag key {i + 1}</span>
            <input value={t.key} onChange={(e) => set(i, { ...t, key: e.target.value })} />
          </label>
          <label>
            <span>Tag value {i + 1}</span>
            <input value={t.value} onChange={(e) => set(i, { ...t, value: e.target.value })} />
          </label>
          <button
            type="button"
            className="danger"
            onClick={() => {
              setSaved(false);
              setTags(tags.filter((_, j) => j !== i));
            }}
          >
            Remove tag {i + 1}
          </button>
        </div>
      ))}
      {saved ? (
        <p className="ok" role="status">
          Tags saved.
        </p>
      ) : null}
      <div className="dialog-actions">
        <button
          type="button"
          disabled={tags.length >= MAX_TAGS}
          onClick={() => setTags([...tags, { key: '', value: '' }])}
        >
          Add tag
        </button>
        <button type="button" className="primary" disabled={busy || load.loading} onClick={save}>
          Save tags
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
