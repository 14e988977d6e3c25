import { createHash } from 'node:crypto';
import { TesseraError } from '../core/index.js';
import type { ConsoleOptions } from './options.js';
import { SignInRefused } from './respond.js';
import { signRequest } from './sigv4.js';
import { callUpstream, readAll, upstreamHost } from './upstream.js';

/** Temporary credentials as STS issued them. */
export interface StsCredentials {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly sessionToken: string;
  readonly expiresAt: number;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}

function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return m === null ? undefined : unescapeXml(m[1]!);
}

/**
 * Asks the server's own STS endpoint for credentials (so that the sign-in is authenticated,
 * limited and audited as any other STS call): signed with `keys` for service `sts`, or unsigned
 * for the AssumeRoleWith… calls that carry their own proof. A refusal is ConsoleSignInFailed's
 * status (401) with STS's code and message.
 */
export async function askSts(
  o: ConsoleOptions,
  params: Record<string, string>,
  userAgent: string,
  keys?: { accessKey: string; secretKey: string },
): Promise<StsCredentials> {
  const body = Buffer.from(new URLSearchParams({ ...params, Version: '2011-06-15' }).toString());
  const base: Record<string, string> = {
    host: upstreamHost(o.upstream),
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    'content-length': String(body.length),
    'user-agent': userAgent,
  };
  const headers =
    keys === undefined
      ? base
      : signRequest(
          {
            method: 'POST',
            rawPath: '/',
            rawQuery: '',
            headers: base,
            payloadHash: createHash('sha256').update(body).digest('hex'),
            region: o.region,
            service: 'sts',
          },
          keys,
        );
  const answer = await callUpstream(o.upstream, { method: 'POST', path: '/', headers, body });
  const xml = (await readAll(answer, 1024 * 1024)).toString('utf8');
  if (answer.statusCode !== 200) {
    const code = element(xml, 'Code') ?? 'ConsoleSignInFailed';
    const message = element(xml, 'Message') ?? 'The sign-in was refused.';
    // STS's own code (SignatureDoesNotMatch, InvalidClientTokenId, AccessDenied, …) is the answer's.
    throw new SignInRefused(code, message);
  }
  const accessKey = element(xml, 'AccessKeyId');
  const secretKey = element(xml, 'SecretAccessKey');
  const sessionToken = element(xml, 'SessionToken');
  const expiration = element(xml, 'Expiration');
  if (
    accessKey === undefined ||
    secretKey === undefined ||
    sessionToken === undefined ||
    expiration === undefined
  )
    throw new TesseraError('InternalError', 'STS answered without credentials.');
  return { accessKey, secretKey, sessionToken, expiresAt: Date.parse(expiration) };
}
