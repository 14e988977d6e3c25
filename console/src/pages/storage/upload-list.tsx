import { useSyncExternalStore } from 'react';
import { ErrorBox, formatBytes } from '../../ui/index.js';
import { type UploadHandle, uploadFile } from './uploads.js';

export interface UploadItem {
  id: number;
  bucket: string;
  key: string;
  size: number;
  sent: number;
  status: 'uploading' | 'done' | 'failed';
  error?: unknown;
  handle?: UploadHandle;
}

/**
 * The uploads of this page load, kept outside React so that they go on (and stay listed) while
 * the user browses elsewhere in the console.
 */
let items: UploadItem[] = [];
let finished = 0;
let nextId = 1;
const listeners = new Set<() => void>();
let snapshot = { items, finished };

function emit() {
  snapshot = { items, finished };
  for (const l of listeners) l();
}

function update(id: number, change: Partial<UploadItem>) {
  items = items.map((i) => (i.id === id ? { ...i, ...change } : i));
  emit();
}

/** Starts one upload per file into `bucket` under `prefix`. */
export function startUploads(bucket: string, prefix: string, files: readonly File[]): void {
  for (const file of files) {
    const id = nextId++;
    const key = `${prefix}${file.name}`;
    items = [...items, { id, bucket, key, size: file.size, sent: 0, status: 'uploading' }];
    const handle = uploadFile(bucket, key, file, (sent) => update(id, { sent }));
    update(id, { handle });
    handle.done.then(
      () => {
        finished++;
        update(id, { status: 'done', sent: file.size });
      },
      (error: unknown) => {
        finished++;
        update(id, { status: 'failed', error });
      },
    );
  }
  emit();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The uploads, and how many have finished (a page reloads its listing when that changes). */
export function useUploads() {
  return useSyncExternalStore(subscribe, () => snapshot);
}

function clearFinished() {
  items = items.filter((i) => i.status === 'uploading');
  emit();
}

/** A percentage that reaches 100 only once the object is stored. */
export function percent(i: UploadItem): number {
  if (i.status === 'done') return 100;
  if (i.size === 0) return 0;
  return Math.min(99, Math.floor((i.sent * 100) / i.size));
}

/** The upload list: a progress bar and a percentage per file, its state, cancel. */
export function UploadList() {
  const { items: list } = useUploads();
  if (list.length === 0) return null;
  return (
    <section className="uploads" aria-label="Uploads">
      <header className="uploads-header">
        <h2>Uploads</h2>
        <button type="button" onClick={clearFinished}>
          Clear finished
        </button>
      </header>
      <ul>
        {list.map((i) => {
          const p = percent(i);
          return (
            <li key={i.id} className={`upload upload-${i.status}`} data-key={i.key}>
              <span className="upload-name" title={`${i.bucket}/${i.key}`}>
                {i.key}
              </span>
              <progress value={p} max={100} aria-label={`Upload of ${i.key}`} />
              <span className="upload-percent">{p} %</span>
              <span className="upload-size">{formatBytes(i.size)}</span>
              <span className="upload-status">
                {i.status === 'uploading' ? 'Uploading…' : i.status === 'done' ? 'Done' : 'Failed'}
              </span>
              {i.status === 'uploading' ? (
                <button type="button" onClick={() => i.handle?.cancel()}>
                  Cancel
                </button>
              ) : null}
              {i.status === 'failed' ? <ErrorBox error={i.error} /> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
