import { type Clock, newAccessKeyId } from '../core/index.js';
import type { IamChangeKind, IamStore } from '../storage/index.js';
import type { IamArns } from './arn.js';
import type { SecretBox } from './secret-box.js';

/** What the entity directories share: the store, the secret box, ARNs, the clock, and local invalidation. */
export interface DirectoryContext {
  readonly store: IamStore;
  readonly box: SecretBox;
  readonly arns: IamArns;
  readonly clock: Clock;
  /** The root access key: no user or service account may take it. */
  readonly rootAccessKey: string;
  /** Called after a committed mutation, so this process enforces it at once (others via the feed). */
  readonly changed: (kind: IamChangeKind, account: string, name: string) => void;
}

/** An AWS-style unique id: a 4-letter prefix (AIDA user, AGPA group, ANPA policy, AROA role) + 17 characters. */
export function newEntityId(prefix: 'AIDA' | 'AGPA' | 'ANPA' | 'AROA'): string {
  return prefix + newAccessKeyId().slice(0, 17);
}

/** The additional authenticated data that binds a stored secret to its row. */
export const secretContext = {
  user: (account: string, name: string) => `tessera-iam-user:${account}:${name.toLowerCase()}`,
  serviceAccount: (accessKey: string) => `tessera-iam-service-account:${accessKey}`,
  accountRoot: (id: string) => `tessera-iam-account-root:${id}`,
};
