import type { Tag } from '../types.js';

/**
 * An IAM OpenID Connect provider (CreateOpenIDConnectProvider): an issuer whose tokens
 * AssumeRoleWithWebIdentity accepts for the account's roles whose trust policy names it.
 */
export interface IamOidcProviderRecord {
  account: string;
  /** The issuer URL without `https://`, host lower-cased, no trailing slash: the ARN's `oidc-provider/<url>`. */
  url: string;
  /** Audiences (client ids) its tokens may carry; order as added, no duplicates. */
  clientIds: string[];
  /** SHA-1 thumbprints (40 hex digits) of the provider's certificates, as submitted. */
  thumbprints: string[];
  tags: Tag[];
  createdAt: number;
  updatedAt: number;
}

export interface OidcProviderPatch {
  clientIds?: string[];
  thumbprints?: string[];
  tags?: Tag[];
}

/**
 * IAM OIDC providers, unique per account by `url` (exact, after the IAM service normalised it).
 * Not in the change feed: STS reads a provider from the store at every use.
 */
export interface OidcProviderStore {
  /** EntityAlreadyExists when the account has a provider with this url. */
  createOidcProvider(provider: IamOidcProviderRecord): Promise<void>;
  getOidcProvider(account: string, url: string): Promise<IamOidcProviderRecord | undefined>;
  /** By url. */
  listOidcProviders(account: string): Promise<IamOidcProviderRecord[]>;
  /** NoSuchEntity when missing. */
  updateOidcProvider(account: string, url: string, patch: OidcProviderPatch, at: number): Promise<void>;
  /** NoSuchEntity when missing. */
  deleteOidcProvider(account: string, url: string): Promise<void>;
}
