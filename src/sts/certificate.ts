import { type FederatedIdentity, TesseraError, withReason, type XmlNode } from '../core/index.js';
import type { IamService } from '../iam/index.js';
import type { CertificateVerifier, VerifiedCertificate } from '../idp/index.js';
import { checkSessionPolicy, credentialsXml, issueSession } from './issue.js';
import type { StsKeyring } from './keys.js';
import { type IssuanceLimiter, limitKey } from './limits.js';
import { durationSeconds, param } from './params.js';
import type { StsApiRequest, StsLimits } from './types.js';

/** What AssumeRoleWithCertificate needs from the API. */
export interface CertificateIdentityEnv {
  readonly iam: IamService;
  readonly keys: StsKeyring;
  readonly limits: StsLimits;
  readonly now: () => number;
  /** Verifies client certificates (idp/certificate); absent, the call is disabled (MinIO's STSNotInitialized). */
  readonly verifier: CertificateVerifier | undefined;
  readonly limiter?: IssuanceLimiter;
}

/** Where a certificate identity was proved: the audit trail's identity source is `certificate:<CN>`. */
export const CERTIFICATE_SOURCE = 'certificate';

/** A session name from a CN: AWS's character set, 2-64 characters. */
function nameFrom(cn: string): string {
  const cleaned = cn.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : `${cleaned}--`.slice(0, 2);
}

/** Every policy the certificate maps to must exist (none mapped, or one missing: AccessDenied). */
async function checkPolicies(iam: IamService, account: string, c: VerifiedCertificate): Promise<void> {
  const denied = (why: string) =>
    withReason(new TesseraError('AccessDenied', `Access denied: ${why}`), 'no-mapped-policy');
  if (c.policies.length === 0)
    throw denied(`no policy is mapped to the certificate CN ${c.commonName.slice(0, 128)}.`);
  for (const name of c.policies) {
    try {
      await iam.policies.get(account, name);
    } catch (e) {
      if (e instanceof TesseraError && e.code === 'NoSuchEntity')
        throw denied(`the policy ${name.slice(0, 128)} that the certificate CN maps to does not exist.`);
      throw e;
    }
  }
}

/**
 * MinIO's AssumeRoleWithCertificate: the request (unsigned) comes over TLS with a client
 * certificate, verified by idp/certificate (chain to the trusted CAs, dates, clientAuth, CRLs);
 * its subject CN names the session's policies (MinIO's rule, or TESSERA_IDENTITY_TLS_POLICY_MAP),
 * resolved on every request, narrowed by a Policy parameter. The session never outlives the
 * certificate: DurationSeconds (default 1 h) is cut at its notAfter.
 */
export async function assumeRoleWithCertificate(
  env: CertificateIdentityEnv,
  req: StsApiRequest,
): Promise<XmlNode> {
  // Plain HTTP first (MinIO asks whether the call is enabled first): on a server without HTTPS
  // the connection is what keeps the call from working.
  if (req.tls === undefined)
    throw withReason(
      new TesseraError('InsecureConnection', 'AssumeRoleWithCertificate needs a TLS connection (https).'),
      'insecure-connection',
    );
  if (env.verifier === undefined)
    throw new TesseraError('STSNotInitialized', "STS API 'AssumeRoleWithCertificate' is disabled");
  const requested = durationSeconds(req.params, env.limits);
  const inline = param(req.params, 'Policy');
  const policies = inline === undefined ? [] : [checkSessionPolicy(inline)];
  const now = env.now();
  const cert = await env.verifier.verify(req.tls.peerCertificates, { now });
  const account = '';
  await checkPolicies(env.iam, account, cert);
  // "The temp. S3 credentials will never out-live the client certificate." (MinIO docs/sts/tls.md)
  const seconds = Math.max(1, Math.min(requested, Math.floor((cert.notAfter - now) / 1000)));
  const session = nameFrom(cert.commonName);
  const federated: FederatedIdentity = {
    kind: 'federated',
    account,
    source: CERTIFICATE_SOURCE,
    issuer: cert.issuer,
    subject: cert.commonName,
    name: cert.commonName,
    arn: `arn:aws:sts::${env.iam.arns.accountId(account)}:assumed-role/certificate/${session}`,
    userId: `${CERTIFICATE_SOURCE}:${cert.commonName}`,
    policies: cert.policies,
    groups: [],
    claims: {},
  };
  const issue = () =>
    issueSession(env.keys, federated, {
      now,
      durationSeconds: seconds,
      policies,
      sessionName: session,
      ...(inline === undefined ? {} : { inlinePolicy: inline }),
    });
  const issued = env.limiter === undefined ? issue() : env.limiter.issue(limitKey(federated), now, issue);
  return {
    Credentials: credentialsXml(issued),
    AssumedRoleUser: { Arn: federated.arn, AssumedRoleId: federated.userId },
  };
}
