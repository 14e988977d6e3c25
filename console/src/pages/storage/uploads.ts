import { childText, currentCsrfToken, parseXml } from '../../api/client.js';
import { ApiError, errorFromBody } from '../../api/errors.js';
import { s3, s3Path, xmlEscape } from '../../api/s3.js';

/** Files above this size go up by multipart upload. */
export const MULTIPART_THRESHOLD = 16 * 1024 * 1024;
/** The size of each part (S3's minimum is 5 MiB; the last part may be smaller). */
export const PART_SIZE = 8 * 1024 * 1024;

export interface UploadHandle {
  /** Resolves when the object is stored; rejects with an ApiError (or `Aborted`). */
  done: Promise<void>;
  cancel: () => void;
}

/**
 * One PUT through the relay with XMLHttpRequest, whose upload.onprogress reports the bytes sent
 * (fetch has no upload progress). Carries the session's CSRF token like every other write.
 */
function xhrPut(
  url: string,
  body: Blob,
  headers: Record<string, string>,
  onProgress: (loaded: number) => void,
  register: (xhr: XMLHttpRequest) => void,
): Promise<XMLHttpRequest> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    register(xhr);
    xhr.open('PUT', url);
    const token = currentCsrfToken();
    if (token !== undefined) xhr.setRequestHeader('X-CSRF-Token', token);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr);
      else reject(errorFromBody(xhr.status, xhr.getResponseHeader('Content-Type') ?? '', xhr.responseText));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NetworkError', 'The upload could not reach the server.'));
    xhr.onabort = () => reject(new ApiError(0, 'Aborted', 'The upload was cancelled.'));
    xhr.send(body);
  });
}

function contentType(file: File): string {
  return file.type === '' ? 'application/octet-stream' : file.type;
}

/**
 * Uploads `file` as `bucket/key`: one PUT up to MULTIPART_THRESHOLD, else CreateMultipartUpload,
 * UploadPart of PART_SIZE parts one after another, CompleteMultipartUpload — and
 * AbortMultipartUpload when anything fails, so no parts are left behind. `onProgress` gets the
 * bytes sent so far (all parts together).
 */
export function uploadFile(
  bucket: string,
  key: string,
  file: File,
  onProgress: (sent: number) => void,
): UploadHandle {
  let current: XMLHttpRequest | undefined;
  let cancelled = false;
  const register = (x: XMLHttpRequest) => {
    current = x;
  };
  const url = s3Path(bucket, key);
  const run = async () => {
    if (file.size <= MULTIPART_THRESHOLD) {
      await xhrPut(url, file, { 'Content-Type': contentType(file) }, onProgress, register);
      return;
    }
    const created = await s3(bucket, key, {
      method: 'POST',
      query: { uploads: '' },
      headers: { 'Content-Type': contentType(file) },
    });
    const uploadId = childText(parseXml(await created.text()), 'UploadId') ?? '';
    const etags: string[] = [];
    try {
      for (let start = 0, n = 1; start < file.size; start += PART_SIZE, n++) {
        if (cancelled) throw new ApiError(0, 'Aborted', 'The upload was cancelled.');
        const part = file.slice(start, Math.min(start + PART_SIZE, file.size));
        const q = new URLSearchParams({ partNumber: String(n), uploadId });
        const xhr = await xhrPut(`${url}?${q.toString()}`, part, {}, (l) => onProgress(start + l), register);
        etags.push(xhr.getResponseHeader('ETag') ?? '');
      }
      const xml = `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${etags
        .map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${xmlEscape(e)}</ETag></Part>`)
        .join('')}</CompleteMultipartUpload>`;
      const res = await s3(bucket, key, {
        method: 'POST',
        query: { uploadId },
        headers: { 'Content-Type': 'application/xml' },
        body: xml,
      });
      // "CompleteMultipartUpload … can return 200 OK with an error in the body."
      const text = await res.text();
      if (text.includes('<Error>')) throw errorFromBody(200, 'application/xml', text);
    } catch (e) {
      await s3(bucket, key, { method: 'DELETE', query: { uploadId } }).catch(() => undefined);
      throw e;
    }
  };
  return {
    done: run(),
    cancel: () => {
      cancelled = true;
      current?.abort();
    },
  };
}
