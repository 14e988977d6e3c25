/** Who a request acts as, once authenticated. IAM widens the kinds; auth treats it as opaque. */
export interface Principal {
  type: 'root' | 'user' | 'serviceAccount' | 'anonymous';
  /** The owning account (DESIGN.md §2.10); '' is the default account. */
  account: string;
  /** The access key used, when any. */
  accessKey?: string;
  /** The IAM name (user name; the parent user for service accounts). */
  name?: string;
}

export const ANONYMOUS: Principal = Object.freeze({ type: 'anonymous', account: '' }) as Principal;
