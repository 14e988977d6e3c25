import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { hashRaw } from '@node-rs/argon2';

const pbkdf2Async = promisify(pbkdf2);

/** madmin-go's key derivations (encrypt.go): the password is the signing credential's secret key. */
export type KeyDerivation = 'argon2id' | 'pbkdf2';

/** madmin's argon2id parameters: time 1, memory 64 MiB, 4 lanes, 32-byte key. */
export const ARGON2ID = { timeCost: 1, memoryCost: 64 * 1024, parallelism: 4, outputLen: 32 } as const;
/** madmin's PBKDF2-SHA256 iteration count (its FIPS mode). */
export const PBKDF2_ITERATIONS = 8192;

/** Algorithm.Argon2id of @node-rs/argon2 (an ambient const enum, so spelled as its value). */
const ARGON2ID_ALGORITHM = 2;

/**
 * The 32-byte key for `salt`: both run off the event loop (argon2 on napi's worker pool, PBKDF2 on
 * libuv's), so a 64 MiB argon2id does not stall other requests.
 * @example const key = await deriveKey('argon2id', secretKey, salt)
 */
export async function deriveKey(kdf: KeyDerivation, password: string, salt: Buffer): Promise<Buffer> {
  if (kdf === 'pbkdf2')
    return pbkdf2Async(Buffer.from(password, 'utf8'), salt, PBKDF2_ITERATIONS, 32, 'sha256');
  return hashRaw(Buffer.from(password, 'utf8'), {
    ...ARGON2ID,
    // biome-ignore lint/suspicious/noExplicitAny: see ARGON2ID_ALGORITHM
    algorithm: ARGON2ID_ALGORITHM as any,
    salt,
  });
}
