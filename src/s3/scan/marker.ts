import { TesseraError } from '../../core/index.js';

/** Where a scan goes on: objects (every version), then multipart upload parts, then blob files. */
export type ScanPhase = 'objects' | 'uploads' | 'orphans';

/** How far a paged scan got: opaque to clients (base64url JSON), checked when it comes back. */
export interface ScanMarker {
  readonly phase: ScanPhase;
  /** The bucket being walked (objects, uploads). */
  readonly bucket: string;
  /** ListObjectVersions / ListMultipartUploads markers inside that bucket. */
  readonly keyMarker: string;
  readonly idMarker: string;
  /** The next blob shard (0–255) of the orphan walk. */
  readonly shard: number;
}

export const SCAN_START: ScanMarker = { phase: 'objects', bucket: '', keyMarker: '', idMarker: '', shard: 0 };

const PHASES: ReadonlySet<string> = new Set(['objects', 'uploads', 'orphans']);
/** A marker is small; a longer one is not ours. */
const MAX_MARKER = 4096;

export function encodeMarker(m: ScanMarker): string {
  return Buffer.from(JSON.stringify([m.phase, m.bucket, m.keyMarker, m.idMarker, m.shard])).toString(
    'base64url',
  );
}

function invalid(): TesseraError {
  return new TesseraError('InvalidArgument', 'The scan marker is not one this server returned.');
}

/** Decodes a marker a client sent back: InvalidArgument for anything this server did not make. */
export function decodeMarker(text: string | null | undefined): ScanMarker {
  if (text === null || text === undefined || text === '') return SCAN_START;
  if (text.length > MAX_MARKER || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalid();
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(v) || v.length !== 5) throw invalid();
  const [phase, bucket, keyMarker, idMarker, shard] = v as unknown[];
  if (typeof phase !== 'string' || !PHASES.has(phase)) throw invalid();
  if (typeof bucket !== 'string' || typeof keyMarker !== 'string' || typeof idMarker !== 'string')
    throw invalid();
  if (typeof shard !== 'number' || !Number.isInteger(shard) || shard < 0 || shard > 256) throw invalid();
  return { phase: phase as ScanPhase, bucket, keyMarker, idMarker, shard };
}
