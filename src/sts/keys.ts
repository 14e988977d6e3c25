import { createHmac, hkdfSync } from 'node:crypto';

/** One session-token key: encrypts tokens and derives the secrets of the sessions it issued. */
export interface StsKey {
  readonly id: string;
  /** AES-256-GCM key of the token. */
  readonly seal: Buffer;
  /** HMAC key the temporary secret is derived with. */
  readonly derive: Buffer;
}

const KEY_ID = /^[\w.-]{1,32}$/;

function deriveKey(master: Buffer, id: string, use: 'seal' | 'derive'): Buffer {
  return Buffer.from(hkdfSync('sha256', master, 'tessera-sts-v1', `${use}/${id}`, 32));
}

/**
 * The session-token keys (docs/sts.md): derived from the master key with HKDF under key ids, so
 * every worker and server with the same master key holds the same keys without sharing a file
 * or writing to the store. Tokens are sealed with the current key; tokens of the accepted older
 * ids still open until those ids are dropped (rotation with overlap).
 * @example const keys = StsKeyring.derive(masterKey.key, '2', ['1']);
 */
export class StsKeyring {
  readonly current: StsKey;
  readonly #byId: ReadonlyMap<string, StsKey>;

  private constructor(current: StsKey, all: readonly StsKey[]) {
    this.current = current;
    this.#byId = new Map(all.map((k) => [k.id, k]));
  }

  static derive(master: Buffer, currentId = '1', acceptedIds: readonly string[] = []): StsKeyring {
    const ids = [currentId, ...acceptedIds.filter((id) => id !== currentId)];
    for (const id of ids) {
      if (!KEY_ID.test(id)) throw new Error(`invalid STS key id "${id}": 1-32 of [A-Za-z0-9_.-]`);
    }
    const keys = ids.map((id) => ({
      id,
      seal: deriveKey(master, id, 'seal'),
      derive: deriveKey(master, id, 'derive'),
    }));
    return new StsKeyring(keys[0]!, keys);
  }

  /** The key of an id, when it is current or accepted. */
  key(id: string): StsKey | undefined {
    return this.#byId.get(id);
  }
}

/**
 * The secret of a session: an HMAC of its id and access key under the key that sealed its token,
 * so the server re-derives it from the token and stores nothing. 40 characters, as AWS's.
 */
export function sessionSecret(key: StsKey, sessionId: string, accessKey: string): string {
  return createHmac('sha256', key.derive)
    .update(`${sessionId}\u0000${accessKey}`)
    .digest('base64')
    .replace(/[+/=]/g, '')
    .slice(0, 40)
    .padEnd(40, 'A');
}
