import { decryptData, encryptData, isEncryptedBody, MAX_ENCRYPTED_BODY } from '../admin/index.js';
import { TesseraError } from '../core/index.js';
import type { SignedInCall } from './call.js';
import type { ConsoleOptions } from './options.js';
import { sendBuffered, signedExchange } from './relay.js';
import { readAll } from './upstream.js';

/**
 * The MinIO admin calls whose request body madmin encrypts with the caller's secret key
 * (admin/minio-api's handlers that read `call.decrypted()`, http's LDAP attach/detach), by the
 * call below `v3|v4/`.
 */
function encryptsRequest(call: string, method: string): boolean {
  if (/^idp-config\//.test(call)) return method === 'PUT' || method === 'POST';
  return [
    'add-user',
    'add-service-account',
    'update-service-account',
    'idp/builtin/policy/attach',
    'idp/builtin/policy/detach',
    'idp/ldap/add-service-account',
    'idp/ldap/policy/attach',
    'idp/ldap/policy/detach',
  ].includes(call);
}

/** Most the relay reads of an admin answer (IAM exports of large deployments included). */
const MAX_ANSWER = 64 * 1024 * 1024;

/**
 * `ANY /api/v1/admin/<v3/call>` → `/minio/admin/<v3/call>`, signed with service `s3` as madmin
 * signs. The page sends and reads plain JSON: the relay encrypts the bodies madmin encrypts and
 * decrypts the encrypted answers, with the session's secret key (madmin's password).
 */
export async function relayAdmin(o: ConsoleOptions, call: SignedInCall, rest: string): Promise<void> {
  const m = /^\/(v[34])\/(.+)$/.exec(rest);
  if (m === null) throw new TesseraError('ConsoleNotFound', 'Admin calls are /api/v1/admin/v3/<call>.');
  const name = m[2]!;
  const method = call.req.method ?? 'GET';
  let body =
    method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readAll(call.req, MAX_ENCRYPTED_BODY);
  if (body.length > 0 && encryptsRequest(name, method))
    body = await encryptData(call.session.secretKey, body);
  const type = call.req.headers['content-type'];
  const answer = await signedExchange(o, call, {
    method,
    path: `/minio/admin${rest}`,
    rawQuery: call.rawQuery,
    body,
    ...(type === undefined || body.length === 0
      ? {}
      : { contentType: encryptsRequest(name, method) ? 'application/octet-stream' : type }),
    service: 's3',
    limit: MAX_ANSWER,
  });
  const answerType = String(answer.headers['content-type'] ?? '');
  if (
    answer.status < 300 &&
    answerType.startsWith('application/octet-stream') &&
    isEncryptedBody(answer.body)
  ) {
    const plain = await decryptData(call.session.secretKey, answer.body);
    sendBuffered(call, { ...answer, body: plain }, 'application/json');
    return;
  }
  sendBuffered(call, answer);
}

/** `GET /api/v1/metrics` → the cluster's Prometheus text (`/minio/v2/metrics/cluster`), signed as the session. */
export async function relayMetrics(o: ConsoleOptions, call: SignedInCall): Promise<void> {
  if (call.req.method !== 'GET') throw new TesseraError('MethodNotAllowed');
  const answer = await signedExchange(o, call, {
    method: 'GET',
    path: '/minio/v2/metrics/cluster',
    rawQuery: '',
    body: Buffer.alloc(0),
    service: 's3',
    limit: 16 * 1024 * 1024,
  });
  sendBuffered(call, answer);
}
