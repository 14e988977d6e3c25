import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { VerifiedRequest } from '../auth/index.js';

/** Addresses whose X-Forwarded-For / X-Real-IP headers are believed (TESSERA_TRUSTED_PROXIES). */
export class TrustedProxies {
  readonly #list = new BlockList();
  readonly #empty: boolean;

  constructor(cidrs: readonly string[]) {
    for (const c of cidrs) {
      const [addr, bits] = c.split('/');
      const family = isIP(addr ?? '') === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.#list.addAddress(addr!, family);
      else this.#list.addSubnet(addr!, Number(bits), family);
    }
    this.#empty = cidrs.length === 0;
  }

  trusts(address: string): boolean {
    if (this.#empty || address === '') return false;
    return this.#list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  }
}

function stripMapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * The client's address for aws:SourceIp: the socket's peer, or — only when that peer is a trusted
 * proxy — the right-most untrusted address of X-Forwarded-For (else X-Real-IP).
 */
export function sourceIp(req: IncomingMessage, proxies: TrustedProxies): string {
  const peer = stripMapped(req.socket.remoteAddress ?? '');
  if (!proxies.trusts(peer)) return peer;
  const forwarded = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((s) => stripMapped(s.trim()))
    .filter((s) => isIP(s) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) if (!proxies.trusts(hops[i]!)) return hops[i]!;
  const real = req.headers['x-real-ip'];
  if (typeof real === 'string' && isIP(real.trim()) !== 0) return stripMapped(real.trim());
  return hops[0] ?? peer;
}

const AUTH_TYPE: Record<VerifiedRequest['kind'], string | undefined> = {
  anonymous: undefined,
  'sigv4-header': 'REST-HEADER',
  'sigv4-streaming': 'REST-HEADER',
  'sigv4-streaming-trailer': 'REST-HEADER',
  'sigv4-streaming-unsigned-trailer': 'REST-HEADER',
  'sigv2-header': 'REST-HEADER',
  'sigv4-presigned': 'REST-QUERY-STRING',
  'sigv2-presigned': 'REST-QUERY-STRING',
  'post-policy': 'POST',
};

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The global condition keys every request carries (aws:SourceIp, aws:SecureTransport,
 * aws:CurrentTime, aws:EpochTime, aws:UserAgent, aws:Referer) and S3's per-request keys
 * (s3:signatureAge, s3:authType, s3:signatureversion, s3:x-amz-content-sha256).
 */
export function requestContext(
  req: IncomingMessage,
  verified: VerifiedRequest,
  now: number,
  proxies: TrustedProxies,
): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = {
    'aws:SourceIp': sourceIp(req, proxies),
    'aws:SecureTransport': 'encrypted' in req.socket ? 'true' : 'false',
    'aws:CurrentTime': new Date(now).toISOString(),
    'aws:EpochTime': String(Math.floor(now / 1000)),
  };
  const ua = one(req.headers['user-agent']);
  if (ua !== undefined) ctx['aws:UserAgent'] = ua;
  const referer = one(req.headers.referer);
  if (referer !== undefined) ctx['aws:Referer'] = referer;
  const authType = AUTH_TYPE[verified.kind];
  if (authType !== undefined) ctx['s3:authType'] = authType;
  if (verified.signatureVersion !== undefined) ctx['s3:signatureversion'] = verified.signatureVersion;
  if (verified.signedAt !== undefined) ctx['s3:signatureAge'] = String(Math.max(0, now - verified.signedAt));
  const sha = one(req.headers['x-amz-content-sha256']);
  if (sha !== undefined) ctx['s3:x-amz-content-sha256'] = sha;
  return ctx;
}
