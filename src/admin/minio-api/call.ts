import { type ErrorCode, isTesseraError, type Principal, TesseraError } from '../../core/index.js';
import {
  AccessDeniedError,
  type Authorizer,
  type IamService,
  type IamTarget,
  type ResolvedTarget,
} from '../../iam/index.js';
import { type AccessCheck, checkAccess } from '../iam-api/authz.js';
import { decryptData, encryptData, MAX_ENCRYPTED_BODY } from '../madmin/index.js';
import type { IdpSettings } from './idp-config.js';
import type { ServerFacts } from './server-info.js';
import type { MinioAdminRequest, MinioAdminResponse } from './types.js';

/** One MinIO admin call as a handler sees it. */
export interface Call {
  readonly iam: IamService;
  readonly authorizer: Authorizer;
  /** What the deployment knows about itself (absent in unit wiring: info answers what it can). */
  readonly server?: ServerFacts;
  /** The identity providers the environment configured (idp-config). */
  readonly idp?: IdpSettings;
  readonly account: string;
  readonly principal: Principal;
  readonly req: MinioAdminRequest;
  /** Throws AccessDenied unless allowed (the IAM action or its admin: equivalents); the target as stored. */
  authorize(check: AccessCheck): Promise<ResolvedTarget>;
  /**
   * MinIO's DenyOnly check (a user managing its own service accounts): allowed unless a policy
   * explicitly denies `action`.
   */
  refuseIfDenied(action: string, resource: string): Promise<void>;
  /** A query parameter ('' when absent). */
  param(name: string): string;
  /** The body decrypted with the caller's secret (XMinioAdminConfigTooLarge / …BadJSON). */
  decrypted(): Promise<Buffer>;
  /** A plain body of at most `limit` bytes. */
  plain(limit: number): Promise<Buffer>;
}

export type Handler = (call: Call) => Promise<MinioAdminResponse>;

export interface CallEnv {
  iam: IamService;
  authorizer: Authorizer;
  server?: ServerFacts;
  idp?: IdpSettings;
}

export function newCall(env: CallEnv, req: MinioAdminRequest): Call {
  const p = req.principal;
  const access = { iam: env.iam, authorizer: env.authorizer, context: req.context };
  return {
    iam: env.iam,
    authorizer: env.authorizer,
    ...(env.server === undefined ? {} : { server: env.server }),
    ...(env.idp === undefined ? {} : { idp: env.idp }),
    account: p.kind === 'anonymous' ? '' : p.account,
    principal: p,
    req,
    authorize: async (check) => (await checkAccess(access, p, check)).target,
    refuseIfDenied: async (action, resource) => {
      if (p.kind === 'root') return;
      const base = env.authorizer.context(p, req.context);
      const d = await env.authorizer.decide(p, { action, resource }, base);
      if (d.reason === 'explicitDeny') throw new AccessDeniedError(d, { action, resource });
    },
    param: (name) => req.query.get(name) ?? '',
    decrypted: async () => {
      // MinIO: a body over maxEConfigJSONSize, or of unknown length, is refused before it is read.
      if (req.contentLength === undefined || req.contentLength > MAX_ENCRYPTED_BODY)
        throw new TesseraError('XMinioAdminConfigTooLarge');
      const body = await tooLarge(req.body(MAX_ENCRYPTED_BODY), 'XMinioAdminConfigTooLarge');
      return decryptData(req.secretKey, body);
    },
    plain: (limit) => tooLarge(req.body(limit), 'EntityTooLarge'),
  };
}

async function tooLarge(read: Promise<Buffer>, code: ErrorCode): Promise<Buffer> {
  try {
    return await read;
  } catch (e) {
    if (isTesseraError(e, 'MaxMessageLengthExceeded')) throw new TesseraError(code);
    throw e;
  }
}

/** Parses a JSON object body; `code` when it is not one. */
export function jsonObject(body: Buffer, code: ErrorCode): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new TesseraError(code);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TesseraError(code);
  return v as Record<string, unknown>;
}

/** A string field of a parsed body ('' when absent); `code` when of another type. */
export function stringField(o: Record<string, unknown>, name: string, code: ErrorCode): string {
  const v = o[name];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new TesseraError(code, `${name} must be a string.`);
  return v;
}

export function json(value: unknown, status = 200): MinioAdminResponse {
  return { status, body: JSON.stringify(value), contentType: 'application/json' };
}

/** madmin's encrypted answer: the JSON of `value` under the caller's secret (algorithm id 0x00). */
export async function encrypted(call: Call, value: unknown, status = 200): Promise<MinioAdminResponse> {
  const body = await encryptData(call.req.secretKey, Buffer.from(JSON.stringify(value)));
  return { status, body, contentType: 'application/octet-stream' };
}

export const ok = (status = 200): MinioAdminResponse => ({ status });

export function user(name: string): IamTarget {
  return { kind: 'user', name };
}
export function group(name: string): IamTarget {
  return { kind: 'group', name };
}
export function policy(name: string): IamTarget {
  return { kind: 'policy', name };
}
export function collection(resource: string): IamTarget {
  return { kind: 'collection', resource };
}

/**
 * Runs `f`, turning the directory's AWS codes into MinIO's: NoSuchEntity → `notFound`,
 * InvalidInput / ValidationError → XMinioAdminInvalidArgument (message kept).
 */
export async function minio<T>(f: () => Promise<T>, notFound: ErrorCode): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (isTesseraError(e, 'NoSuchEntity')) throw new TesseraError(notFound);
    if (isTesseraError(e, 'InvalidInput') || isTesseraError(e, 'ValidationError'))
      throw new TesseraError('XMinioAdminInvalidArgument', e.message);
    throw e;
  }
}

/** `enabled` / `disabled`, else XMinioAdminInvalidArgument. */
export function status(v: string): 'enabled' | 'disabled' {
  if (v === 'enabled' || v === 'disabled') return v;
  throw new TesseraError('XMinioAdminInvalidArgument', 'status must be enabled or disabled.');
}
