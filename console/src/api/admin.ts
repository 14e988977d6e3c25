import { type CallOptions, call } from './client.js';

/**
 * MinIO's admin API (and Tessera's calls under its prefix) through the console's signing relay:
 * `/api/v1/admin/<v3/call>` → `/minio/admin/<v3/call>`. The relay encrypts request bodies and
 * decrypts answers of the calls madmin encrypts, so the page sends and reads plain JSON.
 */
export async function admin(path: string, o: CallOptions = {}): Promise<Response> {
  return call(`/api/v1/admin/${path.replace(/^\/+/, '')}`, o);
}

export async function adminJson<T>(path: string, o: CallOptions = {}): Promise<T> {
  const res = await admin(path, o);
  const text = await res.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
