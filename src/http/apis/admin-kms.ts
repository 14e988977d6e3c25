import { TesseraError } from '../../core/index.js';
import type { BuiltinKms, S3Response } from '../../s3/index.js';
import type { Exchange, Trace } from '../exchange.js';
import { type AdminAuthorizeOptions, authenticateAdminCaller, defaultAccountRoot } from './admin-caller.js';

/**
 * MinIO's admin KMS calls over the built-in KMS (docs/encryption.md "Keys"), with madmin-go's
 * JSON shapes: `POST kms/key/create?key-id=`, `GET kms/key/list?pattern=` (KMSKeyInfo[]),
 * `GET kms/key/status?key-id=` (KMSKeyStatus), `GET kms/status` (KMSStatus), under `/v3/` and `/v4/`,
 * and the same calls as madmin-go 2 makes them: `/minio/kms/v1/key/create`, ….
 */
const KMS_CALL = /^\/minio\/(?:admin\/v[34]\/kms|kms\/v1)\/(key\/create|key\/list|key\/status|status)$/;

type Options = AdminAuthorizeOptions;

/** Whether `path` is one of these calls. */
export function isKmsAdminPath(path: string): boolean {
  return KMS_CALL.test(path);
}

/** Each call: its audit name, method, kms: action and MinIO's older admin: alias (either allows). */
const CALLS = {
  'key/create': {
    operation: 'KMSCreateKey',
    method: 'POST',
    action: 'kms:CreateKey',
    alias: 'admin:KMSCreateKey',
  },
  'key/list': { operation: 'KMSListKeys', method: 'GET', action: 'kms:ListKeys', alias: undefined },
  'key/status': {
    operation: 'KMSKeyStatus',
    method: 'GET',
    action: 'kms:KeyStatus',
    alias: 'admin:KMSKeyStatus',
  },
  status: { operation: 'KMSStatus', method: 'GET', action: 'kms:Status', alias: undefined },
} as const;

function json(value: unknown): S3Response {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** `arn:minio:kms:::<key>` (MinIO's KMS resource), `*` for calls about no one key. */
function kmsArn(key: string | undefined): string {
  return key === undefined ? 'arn:minio:kms:::*' : `arn:minio:kms:::${key}`;
}

/**
 * Authenticates, then requires the call's kms: action on the key, or MinIO's admin: alias (an
 * explicit Deny of the kms: action wins). Only the default account's principals manage keys.
 */
async function authorize(
  o: Options,
  x: Exchange,
  trace: Trace,
  call: (typeof CALLS)[keyof typeof CALLS],
  key: string | undefined,
): Promise<void> {
  const { verified, principal } = await authenticateAdminCaller(o, x, trace);
  if (defaultAccountRoot(trace, principal)) return;
  const resource = kmsArn(key);
  const base = o.authorizer.context(principal, o.context(x, verified));
  const check = { action: call.action as string, resource };
  let d = await o.authorizer.decide(principal, check, base);
  let action: string = call.action;
  if (!d.allowed && d.reason !== 'explicitDeny' && call.alias !== undefined) {
    const alias = await o.authorizer.decide(principal, { action: call.alias, resource }, base);
    if (alias.allowed) {
      d = alias;
      action = call.alias;
    }
  }
  // Not allowed: requireAll throws the AccessDenied carrying the decision (the audit's reason).
  if (!d.allowed) await o.authorizer.requireAll(principal, [check], base);
  trace.authz = {
    decision: 'allow',
    reason: d.reason,
    statements: d.statements,
    actions: [action],
    resources: [resource],
  };
}

function keyIdOf(x: Exchange): string {
  const key = x.query.get('key-id');
  if (key === null || key === '') throw new TesseraError('XMinioAdminInvalidArgument', 'key-id is required.');
  return key;
}

/** Serves one KMS call (isKmsAdminPath said it is one). */
export async function serveKmsAdmin(
  o: Options,
  kms: BuiltinKms,
  x: Exchange,
  trace: Trace,
): Promise<S3Response> {
  const name = KMS_CALL.exec(x.rawPath)![1] as keyof typeof CALLS;
  const call = CALLS[name];
  trace.operation = call.operation;
  if ((x.req.method ?? 'GET') !== call.method) throw new TesseraError('MethodNotAllowed');
  switch (name) {
    case 'key/create': {
      const key = keyIdOf(x);
      await authorize(o, x, trace, call, key);
      // MinIO answers 200 for a key that exists already (KES: "key already exists" is not an error there).
      await kms.createKey(key, Date.now());
      trace.change = { action: 'KMSCreateKey', target: { type: 'kms-key', name: key, arn: kmsArn(key) } };
      // madmin-go reads only the status; `{}` keeps JSON clients (tessera admin kms) simple.
      return json({});
    }
    case 'key/list': {
      const pattern = x.query.get('pattern') || '*';
      await authorize(o, x, trace, call, undefined);
      const keys = await kms.listKeys(pattern);
      return json(
        keys.map((k) => ({
          name: k.name,
          createdAt: new Date(k.createdAt ?? 0).toISOString(),
          createdBy: k.isDefault ? 'TESSERA_KMS_SECRET_KEY' : '',
        })),
      );
    }
    case 'key/status': {
      const key = keyIdOf(x);
      await authorize(o, x, trace, call, key);
      const status = await kms.keyStatus(key);
      return json({
        'key-id': key,
        ...(status.encryptionOk ? {} : { 'encryption-error': 'encryption failed' }),
        ...(status.decryptionOk ? {} : { 'decryption-error': 'decryption failed' }),
      });
    }
    case 'status': {
      await authorize(o, x, trace, call, undefined);
      return json({
        name: 'builtin',
        'default-key-id': kms.defaultKeyId,
        endpoints: { builtin: 'online' },
        state: { Version: 'tessera-builtin', KeyStoreReachable: true, KeystoreAvailable: true },
      });
    }
  }
}
