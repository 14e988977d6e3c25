import { loadTlsMaterial, type TlsMaterial, TlsReloader, type TlsSource } from '../http/index.js';
import {
  type CertificateIdentityConfig,
  type CertificateVerifier,
  loadCertificateTools,
  parseCertificateIdentityConfig,
} from '../idp/index.js';

type Env = Record<string, string | undefined>;

/** HTTPS and client certificates as flags and environment configure them (docs/tls.md). */
export interface TlsSettings {
  /** Where the certificates are; undefined: plain HTTP. */
  readonly source?: TlsSource;
  readonly identity: CertificateIdentityConfig;
}

function value(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * `--certs-dir` (or TESSERA_CERTS_DIR), TESSERA_TLS_CERT_FILE + TESSERA_TLS_KEY_FILE, and the
 * client-certificate settings (TESSERA_IDENTITY_TLS_*, MinIO's MINIO_IDENTITY_TLS_*).
 */
export function tlsSettings(certsDirFlag: string | undefined, env: Env): TlsSettings {
  const certsDir = certsDirFlag ?? value(env, 'TESSERA_CERTS_DIR');
  const certFile = value(env, 'TESSERA_TLS_CERT_FILE');
  const keyFile = value(env, 'TESSERA_TLS_KEY_FILE');
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new Error('TESSERA_TLS_CERT_FILE and TESSERA_TLS_KEY_FILE must be set together');
  const identity = parseCertificateIdentityConfig(env);
  const any = certsDir !== undefined || certFile !== undefined;
  if (identity.enabled && !any)
    throw new Error(
      'TESSERA_IDENTITY_TLS_ENABLE (MINIO_IDENTITY_TLS_ENABLE) needs HTTPS: set --certs-dir or TESSERA_CERTS_DIR',
    );
  if (!any) return { identity };
  const source: TlsSource = {
    ...(certsDir === undefined ? {} : { certsDir }),
    ...(certFile === undefined ? {} : { certFile }),
    ...(keyFile === undefined ? {} : { keyFile }),
  };
  return { source, identity };
}

/**
 * Checks the certificates before any worker starts, so a bad or mismatched pair (or an
 * unreadable CA file, with client certificates on) stops `tessera server` with one clear line.
 */
export async function checkTls(s: TlsSettings): Promise<TlsMaterial | undefined> {
  if (s.source === undefined) return undefined;
  const material = loadTlsMaterial(s.source);
  if (s.identity.enabled) {
    const tools = await loadCertificateTools();
    const { anchors } = new tools.CertificateTrust().update(material.caFiles);
    if (anchors === 0 && !s.identity.skipVerify)
      process.stderr.write(
        'tessera: warning: client certificates are on but CAs/ holds no CA certificate: every AssumeRoleWithCertificate will be refused\n',
      );
  }
  return material;
}

/** The HTTPS certificates (reloading) and the client-certificate verifier of one server process. */
export async function composeTls(
  s: TlsSettings,
  log: (message: string, err?: unknown) => void,
): Promise<{ reloader?: TlsReloader; certificates?: CertificateVerifier }> {
  if (s.source === undefined) return {};
  const id = s.identity;
  if (!id.enabled) {
    return {
      reloader: new TlsReloader(s.source, {
        requestClientCert: false,
        log,
        onReloaded: () => process.stdout.write('TLS: certificates reloaded\n'),
      }),
    };
  }
  const tools = await loadCertificateTools();
  const trust = new tools.CertificateTrust();
  const certificates = tools.createCertificateVerifier({
    trust,
    skipVerify: id.skipVerify,
    ...(id.policyMap === undefined ? {} : { policyMap: id.policyMap }),
  });
  const reloader = new TlsReloader(s.source, {
    requestClientCert: true,
    log,
    // CAs/ and its CRLs are the trust store of client certificates: reloaded with the rest.
    onLoad: (m) => void trust.update(m.caFiles),
    onReloaded: () => process.stdout.write('TLS: certificates reloaded\n'),
  });
  return { reloader, certificates };
}
