import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * secure-io/sio-go's stream (the one madmin-go's EncryptData writes): the plaintext in 16 KiB
 * fragments, each sealed with the AEAD under `nonce8 ‖ uint32-LE sequence` (1, 2, …), with the
 * associated data `flag ‖ tag0`: flag 0x00 for every fragment but the last, 0x80 for the last;
 * tag0 is the AEAD's tag of nothing under sequence 0 (sio binds the caller's associated data —
 * none here — into it). An empty plaintext is one empty final fragment.
 */
export type SioAead = 'aes-256-gcm' | 'chacha20-poly1305';

/** sio.BufSize: the plaintext of every fragment but the last. */
export const FRAGMENT = 16 * 1024;
/** Both AEADs' tag length. */
export const TAG = 16;
const FINAL = 0x80;

function nonceAt(prefix: Buffer, seq: number): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0, 0, 8);
  n.writeUInt32LE(seq, 8);
  return n;
}

function seal(aead: SioAead, key: Buffer, nonce: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const opts = { authTagLength: TAG };
  const c =
    aead === 'aes-256-gcm' ? createCipheriv(aead, key, nonce, opts) : createCipheriv(aead, key, nonce, opts);
  c.setAAD(aad, { plaintextLength: plaintext.length });
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
}

/** The plaintext, or undefined when the fragment is not authentic. */
function open(aead: SioAead, key: Buffer, nonce: Buffer, sealed: Buffer, aad: Buffer): Buffer | undefined {
  const body = sealed.subarray(0, sealed.length - TAG);
  try {
    const opts = { authTagLength: TAG };
    const d =
      aead === 'aes-256-gcm'
        ? createDecipheriv(aead, key, nonce, opts)
        : createDecipheriv(aead, key, nonce, opts);
    d.setAuthTag(sealed.subarray(sealed.length - TAG));
    d.setAAD(aad, { plaintextLength: body.length });
    return Buffer.concat([d.update(body), d.final()]);
  } catch {
    return undefined;
  }
}

/** `0x00 ‖ Seal(nonce(0), "", "")`: the associated data of every fragment (its flag set per fragment). */
function associatedData(aead: SioAead, key: Buffer, prefix: Buffer): Buffer {
  return Buffer.concat([Buffer.of(0), seal(aead, key, nonceAt(prefix, 0), Buffer.alloc(0), Buffer.alloc(0))]);
}

/** Encrypts `plaintext` as sio-go's EncWriter does (key 32 bytes, nonce 8 bytes). */
export function sealStream(aead: SioAead, key: Buffer, nonce: Buffer, plaintext: Buffer): Buffer {
  const aad = associatedData(aead, key, nonce);
  const out: Buffer[] = [];
  let seq = 1;
  let pos = 0;
  // Every full fragment but the last is non-final; the last holds 1…16 KiB (or nothing).
  while (plaintext.length - pos > FRAGMENT) {
    out.push(seal(aead, key, nonceAt(nonce, seq++), plaintext.subarray(pos, pos + FRAGMENT), aad));
    pos += FRAGMENT;
  }
  aad[0] = FINAL;
  out.push(seal(aead, key, nonceAt(nonce, seq), plaintext.subarray(pos), aad));
  return Buffer.concat(out);
}

/**
 * Decrypts as sio-go's DecReader does: a fragment is the last when at most one sealed fragment's
 * length remains. Undefined when any fragment is not authentic (tampered, truncated, reordered,
 * wrong key) — sio's NotAuthentic.
 */
export function openStream(aead: SioAead, key: Buffer, nonce: Buffer, sealed: Buffer): Buffer | undefined {
  const aad = associatedData(aead, key, nonce);
  const out: Buffer[] = [];
  const whole = FRAGMENT + TAG;
  let seq = 1;
  let pos = 0;
  for (;;) {
    const left = sealed.length - pos;
    const last = left <= whole;
    if (last && left < TAG) return undefined;
    if (last) aad[0] = FINAL;
    const end = last ? sealed.length : pos + whole;
    const plain = open(aead, key, nonceAt(nonce, seq++), sealed.subarray(pos, end), aad);
    if (plain === undefined) return undefined;
    out.push(plain);
    if (last) return Buffer.concat(out);
    pos = end;
  }
}
