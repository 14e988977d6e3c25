import {
  createOpenIdVerifier,
  type OpenIdProviderConfig,
  parseOpenIdConfig,
  type WebIdentityVerifier,
} from '../idp/index.js';

type Env = Record<string, string | undefined>;

/** The OpenID Connect providers the environment configures (docs/openid.md); throws naming a bad variable. */
export function openIdSettings(env: Env): readonly OpenIdProviderConfig[] {
  return parseOpenIdConfig(env);
}

/**
 * The web identity verifier for STS, when at least one provider is configured. Providers are
 * reached on first use (a provider that is down at startup does not keep the server from
 * starting); each worker warms its caches in the background and logs what it could not reach.
 */
export function openIdVerifier(
  providers: readonly OpenIdProviderConfig[],
  log: (message: string) => void,
): WebIdentityVerifier | undefined {
  if (providers.length === 0) return undefined;
  const verifier = createOpenIdVerifier(providers);
  void verifier.warmUp().then((problems) => {
    for (const p of problems) log(`OpenID Connect: ${p}`);
  });
  return verifier;
}
