/** Who a request acts as, once authenticated. IAM widens the kinds; auth treats it as opaque. */
export interface Principal {
  type: 'root' | 'user' | 'serviceAccount' | 'anonymous';
  /** The owning account (DESIGN.md §2.10); '' is the default account. */
  account: string;
  /** The access key used, when any. */
  accessKey?: string;
  /** The IAM name (user name; the parent user for service accounts). */
  name?: string;
  /** The identity's ARN: the user's (the parent's for service accounts), or the account root's. */
  arn?: string;
  /** aws:userid: the user's unique id (the parent's for service accounts); the account id for root. */
  userId?: string;
  /** Service accounts: who the key belongs to. */
  parentType?: 'root' | 'user';
  /** Service accounts: the parent user's name, or the root access key. */
  parent?: string;
  /** aws:groups: the names of the enabled groups the user (or parent user) belongs to. */
  groups?: readonly string[];
  /** aws:PrincipalTag/<key>: the user's (or parent user's) tags. */
  tags?: Readonly<Record<string, string>>;
  /** Service accounts: when the key stops working (epoch ms). */
  expiresAt?: number;
}

export const ANONYMOUS: Principal = Object.freeze({ type: 'anonymous', account: '' }) as Principal;
