import { IAMClient } from '@aws-sdk/client-iam';
import { XMLParser } from 'fast-xml-parser';
import { decryptData, encryptData } from '../../admin/index.js';
import { canonicalRequest, deriveSigningKey, stringToSign } from '../../auth/index.js';
import { hmacSha256, sha256Hex } from '../../core/index.js';
import type { Alias } from './alias-store.js';

/** A failed call: the server's error code and message (or a transport failure). */
export class AdminError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: parsed XML is untyped by nature
export type Xml = any;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'member',
});

const REGION = 'us-east-1';

/**
 * A server to administer: the AWS SDK's IAMClient for AWS's actions, and `query` — a SigV4
 * request signed with Tessera's own signer (src/auth, scope service `iam`) — for Tessera's
 * extensions (GetAccessKeyInfo, the extra parameters of CreateAccessKey / UpdateAccessKey /
 * UpdateUser, the `<Status>` elements the SDK does not model).
 */
export class Connection {
  readonly iam: IAMClient;

  constructor(readonly alias: Alias) {
    // The SDK warns on every run under Node 20 that later releases need Node 22; package.json
    // pins the SDK, and the warning would be noise in every command's output.
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
    this.iam = new IAMClient({
      endpoint: alias.url,
      region: REGION,
      credentials: { accessKeyId: alias.accessKey, secretAccessKey: alias.secretKey },
      maxAttempts: 2,
    });
  }

  /**
   * One IAM Query API call; returns the parsed `<ActionResult>` (`{}` when there is none), lists
   * as `{ member: [...] }`. Throws AdminError with the server's code.
   * @example const { User } = await conn.query('GetUser', { UserName: 'alice' })
   */
  async query(action: string, params: Record<string, string> = {}): Promise<Xml> {
    const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }).toString();
    const url = new URL('/', this.alias.url);
    const res = await fetch(url, { method: 'POST', headers: this.#sign(url.host, body), body }).catch(
      (e: unknown) => {
        throw new AdminError('ConnectionError', `${url.origin}: ${causeOf(e)}`);
      },
    );
    const text = await res.text();
    const parsed: Xml = text.trimStart().startsWith('<') ? parser.parse(text) : {};
    if (!res.ok) {
      const err = parsed?.ErrorResponse?.Error ?? parsed?.Error;
      throw new AdminError(err?.Code ?? `Http${res.status}`, err?.Message ?? `HTTP ${res.status}`);
    }
    return parsed?.[`${action}Response`]?.[`${action}Result`] ?? {};
  }

  /** Every page of a Marker / IsTruncated list; `key` names the list element. */
  async queryAll(action: string, params: Record<string, string>, key: string): Promise<Xml[]> {
    const out: Xml[] = [];
    let marker: string | undefined;
    do {
      const r = await this.query(action, { ...params, ...(marker === undefined ? {} : { Marker: marker }) });
      out.push(...(r[key]?.member ?? []));
      marker = r.IsTruncated === 'true' ? r.Marker : undefined;
    } while (marker !== undefined);
    return out;
  }

  /**
   * One call of the server's admin API under `/minio/admin/` (signed for service s3, as
   * madmin-go signs): the parsed JSON answer. Throws AdminError with the server's Code.
   * @example await conn.admin('POST', '/minio/admin/v3/tessera/scan', { bucket: 'photos' })
   */
  async admin(
    method: string,
    path: string,
    params: Record<string, string> = {},
    /** A JSON body (madmin-go's requests, e.g. `idp/ldap/policy/attach`). */
    body = '',
  ): Promise<unknown> {
    const query = Object.entries(params).map(([k, v]) => ({
      key: encodeURIComponent(k),
      value: encodeURIComponent(v),
    }));
    const url = new URL(path, this.alias.url);
    url.search = query.map((p) => `${p.key}=${p.value}`).join('&');
    const headers = this.#sign(url.host, body, { method, path, query, service: 's3' });
    const res = await fetch(url, { method, headers, ...(body === '' ? {} : { body }) }).catch(
      (e: unknown) => {
        throw new AdminError('ConnectionError', `${url.origin}: ${causeOf(e)}`);
      },
    );
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AdminError(`Http${res.status}`, `HTTP ${res.status}: not a JSON answer`);
    }
    if (!res.ok) {
      const err = parsed as { Code?: string; Message?: string } | null;
      throw new AdminError(err?.Code ?? `Http${res.status}`, err?.Message ?? `HTTP ${res.status}`);
    }
    return parsed;
  }

  /**
   * A madmin call whose request and answer are encrypted with the alias's secret key, as
   * madmin-go's EncryptData / DecryptData do (e.g. `idp/ldap/policy/attach`): `value` is sent as
   * encrypted JSON (none: no body), the decrypted JSON answer is returned.
   */
  async adminEncrypted(
    method: string,
    path: string,
    params: Record<string, string> = {},
    value?: unknown,
  ): Promise<unknown> {
    const body =
      value === undefined ? '' : await encryptData(this.alias.secretKey, Buffer.from(JSON.stringify(value)));
    const query = Object.entries(params).map(([k, v]) => ({
      key: encodeURIComponent(k),
      value: encodeURIComponent(v),
    }));
    const url = new URL(path, this.alias.url);
    url.search = query.map((p) => `${p.key}=${p.value}`).join('&');
    const headers = this.#sign(url.host, body, { method, path, query, service: 's3' });
    const res = await fetch(url, { method, headers, ...(body === '' ? {} : { body }) }).catch(
      (e: unknown) => {
        throw new AdminError('ConnectionError', `${url.origin}: ${causeOf(e)}`);
      },
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    if (!res.ok) {
      const err = jsonOrNull(bytes) as { Code?: string; Message?: string } | null;
      throw new AdminError(err?.Code ?? `Http${res.status}`, err?.Message ?? `HTTP ${res.status}`);
    }
    if (bytes.length === 0) return null;
    try {
      return JSON.parse((await decryptData(this.alias.secretKey, bytes)).toString('utf8'));
    } catch {
      throw new AdminError(`Http${res.status}`, `HTTP ${res.status}: not an encrypted JSON answer`);
    }
  }

  /** SigV4 headers for `POST /` with a form body (IAM), or another request with an empty body. */
  #sign(
    host: string,
    body: string | Uint8Array,
    target: {
      method: string;
      path: string;
      query: { key: string; value: string }[];
      service: string;
    } = { method: 'POST', path: '/', query: [], service: 'iam' },
  ): Record<string, string> {
    const amzDate = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const scope = `${amzDate.slice(0, 8)}/${REGION}/${target.service}/aws4_request`;
    const payloadHash = sha256Hex(body);
    const headers: Record<string, string> = {
      ...(target.service === 'iam'
        ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
        : {}),
      host,
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': amzDate,
    };
    const names = Object.keys(headers).sort();
    const canonical = canonicalRequest({
      method: target.method,
      rawPath: target.path,
      params: target.query,
      headers,
      signedHeaders: names.join(';'),
      signedHeaderNames: names,
      payloadHash,
      presigned: false,
    });
    const key = deriveSigningKey(this.alias.secretKey, amzDate.slice(0, 8), REGION, target.service);
    const signature = hmacSha256(key, stringToSign(amzDate, scope, canonical)).toString('hex');
    const { host: _host, ...sent } = headers;
    return {
      ...sent,
      authorization: `AWS4-HMAC-SHA256 Credential=${this.alias.accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
    };
  }

  close(): void {
    this.iam.destroy();
  }
}

function jsonOrNull(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
}

function causeOf(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}

/**
 * The code and message of any failure: AdminError, an AWS SDK service error (its `Code`, or its
 * name without `Exception`), or anything else.
 */
export function describeError(e: unknown): { code: string; message: string } {
  if (e instanceof AdminError) return { code: e.code, message: e.message };
  const err = e as { Code?: string; name?: string; message?: string; code?: string };
  if (e instanceof Error && (err.Code !== undefined || '$metadata' in e)) {
    return { code: err.Code ?? e.name.replace(/Exception$/, ''), message: e.message };
  }
  if (e instanceof Error && typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code)) {
    return { code: 'ConnectionError', message: e.message };
  }
  return { code: 'Error', message: e instanceof Error ? e.message : String(e) };
}
