import { type CompiledPolicy, compilePolicy } from './compile.js';
import { parsePolicy } from './parse/document.js';
import type { PolicyDocument } from './types.js';

/**
 * MinIO's canned policies, with MinIO's names and content (minio/pkg policy DefaultPolicies).
 * MinIO renders the resource `*` as `arn:aws:s3:::*`; so do we.
 */
const sources = {
  consoleAdmin: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['admin:*'] },
      { Effect: 'Allow', Action: ['kms:*'] },
      { Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] },
    ],
  },
  readonly: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:GetObject'], Resource: ['arn:aws:s3:::*'] },
    ],
  },
  readwrite: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] }],
  },
  writeonly: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::*'] }],
  },
  diagnostics: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'admin:Profiling',
          'admin:ServerTrace',
          'admin:ConsoleLog',
          'admin:ServerInfo',
          'admin:TopLocksInfo',
          'admin:OBDInfo',
          'admin:BandwidthMonitor',
          'admin:Prometheus',
        ],
        Resource: ['arn:aws:s3:::*'],
      },
    ],
  },
} as const;

/** The names of the built-in policies. */
export type BuiltinName = keyof typeof sources;

export const builtinNames: readonly BuiltinName[] = Object.keys(sources) as BuiltinName[];

/** The parsed document of a built-in policy. @example builtinPolicy('readonly') */
export function builtinPolicy(name: BuiltinName): PolicyDocument {
  return parsePolicy(sources[name]);
}

/** The compiled built-in policy, compiled once per call site (cache it). */
export function compiledBuiltin(name: BuiltinName): CompiledPolicy {
  return compilePolicy(builtinPolicy(name), name);
}

/** True when `name` is a built-in policy name (case-sensitive, as in MinIO). */
export function isBuiltinName(name: string): name is BuiltinName {
  return Object.hasOwn(sources, name);
}
