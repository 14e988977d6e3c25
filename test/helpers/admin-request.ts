/**
 * Raw SigV4-signed MinIO admin requests (service s3, as madmin-go signs) whose bodies Tessera's own
 * madmin crypto encrypts: for the calls newer madmin-go has and 2.0.7 lacks, and for set-up
 * without a Go client.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { decryptData, encryptData } from '../../src/admin/index.js';
import { NodeSha256 } from './raw.js';

/** The credentials of a raw signed request (the SDK's names). */
export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Sends one SigV4-signed request (service s3, as madmin-go signs) and collects the answer's bytes. */
export async function signedRequest(
  port: number,
  keys: Keys,
  method: string,
  path: string,
  query: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; type: string; body: Buffer }> {
  const headers: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
    ...(body.length === 0 ? {} : { 'content-length': String(body.length) }),
  };
  const signer = new SignatureV4({
    service: 's3',
    region: 'us-east-1',
    credentials: keys,
    sha256: NodeSha256,
    uriEscapePath: false,
  });
  const req = await signer.sign({
    method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path,
    query,
    headers,
  });
  const qs = new URLSearchParams(query).toString();
  return new Promise((resolve, reject) => {
    const r = request(
      { host: '127.0.0.1', port, method, path: path + (qs ? `?${qs}` : ''), headers: req.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

export interface AdminAnswer {
  status: number;
  code?: string;
  value?: Record<string, unknown>;
}

/**
 * One MinIO admin call (`/minio/admin/v3/<call>`) signed with `keys`: `body` encrypted under its
 * secret (sent as is when a Buffer), an encrypted answer decrypted, an error answer's Code.
 */
export async function adminCall(
  port: number,
  keys: Keys,
  method: string,
  call: string,
  query: Record<string, string> = {},
  body?: unknown,
): Promise<AdminAnswer> {
  const payload = Buffer.isBuffer(body)
    ? body
    : body === undefined
      ? Buffer.alloc(0)
      : await encryptData(keys.secretAccessKey, Buffer.from(JSON.stringify(body)));
  const res = await signedRequest(port, keys, method, `/minio/admin/v3/${call}`, query, payload);
  if (res.status >= 300)
    return { status: res.status, code: (JSON.parse(res.body.toString()) as { Code: string }).Code };
  if (res.body.length === 0) return { status: res.status };
  const text = res.type.includes('octet-stream')
    ? (await decryptData(keys.secretAccessKey, res.body)).toString()
    : res.body.toString();
  return { status: res.status, value: JSON.parse(text) as Record<string, unknown> };
}

/** A session of `keys` (STS GetSessionToken at `endpoint`). */
export async function sessionOf(endpoint: string, keys: Keys): Promise<Keys> {
  const sts = new STSClient({ endpoint, region: 'us-east-1', maxAttempts: 1, credentials: keys });
  const c = (await sts.send(new GetSessionTokenCommand({}))).Credentials!;
  sts.destroy();
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

/**
 * The requests above bound to a server (read when called): `signed`, `admin` (adminCall),
 * `listBuckets` (ListBuckets' status) and `session` (sessionOf).
 */
export function adminRequests(server: () => { port: number; endpoint: string }) {
  const signed = (keys: Keys, method: string, path: string, query: Record<string, string>, body: Buffer) =>
    signedRequest(server().port, keys, method, path, query, body);
  const admin = (keys: Keys, method: string, call: string, query?: Record<string, string>, body?: unknown) =>
    adminCall(server().port, keys, method, call, query, body);
  const listBuckets = async (keys: Keys) => (await signed(keys, 'GET', '/', {}, Buffer.alloc(0))).status;
  const session = (keys: Keys) => sessionOf(server().endpoint, keys);
  return { signed, admin, listBuckets, session };
}

/**
 * MinIO's `idp/ldap/policy/attach` signed with `credentials` at `endpoint`: maps the LDAP user or
 * group at `dn` to `policies`. The answer's status and text.
 */
export async function attachLdapPolicies(
  endpoint: string,
  credentials: Keys,
  kind: 'user' | 'group',
  dn: string,
  policies: string[],
): Promise<{ status: number; body: string }> {
  const url = new URL(endpoint);
  // madmin-go encrypts the request (and the answer) with the signing secret.
  const body = await encryptData(
    credentials.secretAccessKey,
    Buffer.from(JSON.stringify({ policies, [kind]: dn })),
  );
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials, sha256: NodeSha256 });
  const path = '/minio/admin/v3/idp/ldap/policy/attach';
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path,
    headers: { host: url.host, 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') },
    body,
  });
  const res = await fetch(`${endpoint}${path}`, { method: 'POST', headers: signed.headers, body });
  return { status: res.status, body: await res.text() };
}
