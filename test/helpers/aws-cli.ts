import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { ROOT_PASSWORD, ROOT_USER } from './server.js';

const run = promisify(execFile);
/** Debian's aws CLI (v2); a Python aws on PATH may shadow it. */
export const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

export interface CliCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const ROOT: CliCredentials = { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD };

/** The environment the aws CLI runs with: these credentials, no config files, no pager. */
export function awsEnv(credentials: CliCredentials = ROOT): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: credentials.sessionToken }),
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
}

/**
 * Runs the aws CLI against a server (JSON output): its stdout. Rejects when the CLI exits
 * non-zero (the error carries stderr).
 * @example const out = await awsCli(server.endpoint, ['s3api', 'list-buckets']);
 */
export async function awsCli(
  endpoint: string,
  args: readonly string[],
  credentials: CliCredentials = ROOT,
): Promise<string> {
  const { stdout } = await run(AWS, ['--endpoint-url', endpoint, '--output', 'json', ...args], {
    env: awsEnv(credentials),
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** awsCli, its output parsed ({} when it printed nothing). */
export async function awsCliJson(
  endpoint: string,
  args: readonly string[],
  credentials: CliCredentials = ROOT,
): Promise<Record<string, unknown>> {
  const out = (await awsCli(endpoint, args, credentials)).trim();
  return (out ? JSON.parse(out) : {}) as Record<string, unknown>;
}
