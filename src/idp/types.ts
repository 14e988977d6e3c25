/**
 * What an identity provider proved about a token (OpenID Connect today; LDAP later): the
 * verified identity and what its claims map to. Providers return claims, never credentials
 * (STS issues those).
 */
export interface VerifiedIdentity {
  /** The provider's configured name (`_<NAME>` suffix of its settings; `default` without one). */
  readonly provider: string;
  /** The token's `iss`. */
  readonly issuer: string;
  /** The token's `sub`. */
  readonly subject: string;
  /** The audience the token was accepted for (the provider's client id). */
  readonly audience: string;
  /** A display name: preferred_username, email, or the subject. */
  readonly name: string;
  /** Policy names the claims map to (claim_name with claim_prefix, or the provider's role_policy). */
  readonly policies: readonly string[];
  /** The groups claim, when the provider has one. */
  readonly groups: readonly string[];
  /** The token's claims, for jwt:<claim> condition keys (strings and lists of strings only). */
  readonly claims: Readonly<Record<string, string | readonly string[]>>;
  /** When the token expires (epoch ms); sessions do not depend on it (docs/openid.md). */
  readonly expiresAt?: number;
}

/**
 * Verifies web identity tokens (AssumeRoleWithWebIdentity, AssumeRoleWithClientGrants).
 * `roleArn`: the RoleArn the call named, which selects a provider configured with role_policy.
 * Throws TesseraError InvalidIdentityToken (malformed, bad signature, wrong issuer or audience,
 * expired, not yet valid — saying which check failed and by how much), IDPRejectedClaim,
 * IDPCommunicationError (the provider's keys could not be fetched).
 */
export interface WebIdentityVerifier {
  /**
   * `intoRole`: the token is exchanged for a session of an IAM role (whose trust policy decides),
   * so no policy need be mapped from its claims (`policies` is then empty).
   */
  verify(
    token: string,
    opts: { now: number; roleArn?: string; intoRole?: boolean },
  ): Promise<VerifiedIdentity>;
}
