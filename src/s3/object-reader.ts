import { PassThrough, Readable } from 'node:stream';
import type { BlobHandle, BlobStore, ObjectRecord } from '../storage/index.js';

/** An object's bytes, opened: every blob it spans is held open, so a concurrent overwrite cannot cut it. */
export interface OpenedObject {
  stream(start: number, end: number): Readable;
  close(): Promise<void>;
}

/**
 * Opens the blobs an object spans. Rejects with code 'ENOENT' when a blob vanished between the
 * metadata lookup and the open (a concurrent overwrite); callers look the object up again.
 */
export async function openObject(blobs: BlobStore, record: ObjectRecord): Promise<OpenedObject> {
  const data = record.data;
  if (data.kind === 'inline') {
    return {
      stream: (start, end) => Readable.from([data.bytes.subarray(start, end + 1)], { objectMode: false }),
      close: async () => {},
    };
  }
  const handles: BlobHandle[] = [];
  try {
    for (const seg of data.segments) handles.push(await blobs.open(seg.blobId));
  } catch (e) {
    await Promise.all(handles.map((h) => h.close()));
    throw e;
  }
  return {
    stream: (start, end) => concatRange(handles, start, end),
    close: async () => {
      await Promise.all(handles.map((h) => h.close()));
    },
  };
}

/** Streams bytes [start, end] across consecutive blobs. */
function concatRange(handles: BlobHandle[], start: number, end: number): Readable {
  if (handles.length === 1) return handles[0]!.stream(start, end);
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  (async () => {
    let offset = 0;
    for (const h of handles) {
      const segStart = offset;
      const segEnd = offset + h.size - 1;
      offset += h.size;
      if (segEnd < start || h.size === 0) continue;
      if (segStart > end) break;
      const from = Math.max(start, segStart) - segStart;
      const to = Math.min(end, segEnd) - segStart;
      for await (const chunk of h.stream(from, to)) {
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
        if (out.destroyed) return;
      }
    }
    out.end();
  })().catch((e: unknown) => out.destroy(e as Error));
  return out;
}
