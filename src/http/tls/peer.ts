import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { Exchange } from '../exchange.js';

/** At most this many certificates of a client's chain are passed on (leaf and intermediates). */
const MAX_CHAIN = 12;

/**
 * The client's certificate chain (leaf first, DER), when the request came over TLS: the socket's
 * own state, never a header. `{}` on plain HTTP; `peerCertificates` empty when none was sent.
 */
export function tlsPeer(x: Exchange): { tls?: { peerCertificates: Buffer[] } } {
  const socket = x.req.socket as TLSSocket;
  if (!('encrypted' in socket) || typeof socket.getPeerCertificate !== 'function') return {};
  const peerCertificates: Buffer[] = [];
  let c: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<DetailedPeerCertificate>();
  while (c?.raw !== undefined && !seen.has(c) && peerCertificates.length < MAX_CHAIN) {
    seen.add(c);
    peerCertificates.push(c.raw);
    c = c.issuerCertificate;
  }
  return { tls: { peerCertificates } };
}
