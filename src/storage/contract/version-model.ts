/**
 * A naive model of S3 versioning (AWS's rules), written for obviousness rather than speed: the
 * property test drives a store and this model with the same operations and compares them.
 */
import { byteOrder } from './list-model.js';

export type ModelState = 'Unversioned' | 'Enabled' | 'Suspended';

export interface ModelVersion {
  versionId: string;
  deleteMarker: boolean;
  /** The blob an object version references (delete markers: none). */
  blobId?: string;
}

export interface ModelEntry {
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
}

export interface ModelVersionsQuery {
  prefix: string;
  delimiter: string;
  keyMarker: string;
  versionIdMarker: string;
  maxKeys: number;
}

export interface ModelVersionsResult {
  versions: ModelEntry[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
}

/** One bucket: each key's versions, newest first. */
export class VersionModel {
  state: ModelState = 'Unversioned';
  readonly keys = new Map<string, ModelVersion[]>();

  #versions(key: string): ModelVersion[] {
    let list = this.keys.get(key);
    if (list === undefined) {
      list = [];
      this.keys.set(key, list);
    }
    return list;
  }

  #drop(key: string, versionId: string): ModelVersion | undefined {
    const list = this.keys.get(key);
    if (list === undefined) return undefined;
    const i = list.findIndex((v) => v.versionId === versionId);
    if (i < 0) return undefined;
    const [gone] = list.splice(i, 1);
    if (list.length === 0) this.keys.delete(key);
    return gone;
  }

  /** PutObject; `newId` is the id the store assigned (used when Enabled). Returns released blobs. */
  put(key: string, blobId: string, newId: string): string[] {
    const versionId = this.state === 'Enabled' ? newId : 'null';
    const released = this.state === 'Enabled' ? undefined : this.#drop(key, 'null');
    this.#versions(key).unshift({ versionId, deleteMarker: false, blobId });
    return released?.blobId === undefined ? [] : [released.blobId];
  }

  /** DeleteObject without a version id; `newId` as for put. */
  delete(key: string, newId: string): { released: string[]; versionId?: string; deleteMarker: boolean } {
    if (this.state === 'Unversioned') {
      const current = this.keys.get(key)?.[0];
      const gone = current === undefined ? undefined : this.#drop(key, current.versionId);
      return { released: gone?.blobId === undefined ? [] : [gone.blobId], deleteMarker: false };
    }
    const versionId = this.state === 'Enabled' ? newId : 'null';
    const gone = this.state === 'Enabled' ? undefined : this.#drop(key, 'null');
    this.#versions(key).unshift({ versionId, deleteMarker: true });
    return { released: gone?.blobId === undefined ? [] : [gone.blobId], versionId, deleteMarker: true };
  }

  /** DeleteObject with a version id: removes it for good. */
  deleteVersion(key: string, versionId: string): { released: string[]; deleteMarker: boolean } {
    const gone = this.#drop(key, versionId);
    return {
      released: gone?.blobId === undefined ? [] : [gone.blobId],
      deleteMarker: gone?.deleteMarker === true,
    };
  }

  current(key: string): ModelVersion | undefined {
    return this.keys.get(key)?.[0];
  }

  /** Every version, S3's order: key ascending (UTF-8 bytes), newest first. */
  all(): ModelEntry[] {
    return [...this.keys.keys()].sort(byteOrder).flatMap((key) =>
      this.keys.get(key)!.map((v, i) => ({
        key,
        versionId: v.versionId,
        isLatest: i === 0,
        deleteMarker: v.deleteMarker,
      })),
    );
  }

  /** ListObjectVersions over the model. */
  list(q: ModelVersionsQuery): ModelVersionsResult {
    type Entry = { prefix: string } | { version: ModelEntry };
    const entries: Entry[] = [];
    const all = this.all().filter((v) => v.key.startsWith(q.prefix));
    const resumeAt =
      q.keyMarker !== '' && q.versionIdMarker !== ''
        ? all.findIndex((v) => v.key === q.keyMarker && v.versionId === q.versionIdMarker)
        : -1;
    all.forEach((v, i) => {
      const rest = v.key.slice(q.prefix.length);
      const at = q.delimiter === '' ? -1 : rest.indexOf(q.delimiter);
      if (at >= 0) {
        const prefix = q.prefix + rest.slice(0, at + q.delimiter.length);
        if (byteOrder(prefix, q.keyMarker) <= 0) return;
        const last = entries[entries.length - 1];
        if (last !== undefined && 'prefix' in last && last.prefix === prefix) return;
        entries.push({ prefix });
        return;
      }
      const after =
        byteOrder(v.key, q.keyMarker) > 0 || (v.key === q.keyMarker && resumeAt >= 0 && i > resumeAt);
      if (after) entries.push({ version: v });
    });
    const page = entries.slice(0, Math.max(0, q.maxKeys));
    const result: ModelVersionsResult = {
      versions: page.flatMap((e) => ('version' in e ? [e.version] : [])),
      commonPrefixes: page.flatMap((e) => ('prefix' in e ? [e.prefix] : [])),
      isTruncated: q.maxKeys > 0 && entries.length > page.length,
    };
    if (result.isTruncated) {
      const last = page[page.length - 1]!;
      if ('prefix' in last) result.nextKeyMarker = last.prefix;
      else {
        result.nextKeyMarker = last.version.key;
        result.nextVersionIdMarker = last.version.versionId;
      }
    }
    return result;
  }
}
