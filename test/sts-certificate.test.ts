import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreatePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS, awsEnv } from './helpers/aws-cli.js';
import {
  ca,
  clientCert,
  crl,
  httpsHandler,
  type IssuedPem,
  issue,
  serverCert,
  writeCertsDir,
} from './helpers/certs.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

const run = promisify(execFile);
const ACTION = '?Action=AssumeRoleWithCertificate&Version=2011-06-15';
const READER = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::cert-bucket', 'arn:aws:s3:::cert-bucket/*'],
    },
  ],
});

interface Answer {
  status: number;
  body: string;
}

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: number;
}

function tag(body: string, name: string): string {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1] ?? '';
}

function credentials(a: Answer): Creds {
  expect(a.status, a.body).toBe(200);
  return {
    accessKeyId: tag(a.body, 'AccessKeyId'),
    secretAccessKey: tag(a.body, 'SecretAccessKey'),
    sessionToken: tag(a.body, 'SessionToken'),
    expiration: Date.parse(tag(a.body, 'Expiration')),
  };
}

describe('AssumeRoleWithCertificate (MinIO’s STS extension)', () => {
  let dir: string;
  let root: IssuedPem;
  let stranger: IssuedPem;
  let server: RunningServer;
  let certsDir: string;
  let caFile: string;
  const clients: Record<string, IssuedPem> = {};

  /** curl with the client certificate `name` (none: no certificate) to `endpoint`. */
  async function assume(name: string | undefined, query = '', endpoint = server.endpoint): Promise<Answer> {
    const args = ['-s', '-X', 'POST', '-w', '\n%{http_code}', '--cacert', caFile];
    if (name !== undefined) args.push('--cert', join(dir, `${name}.crt`), '--key', join(dir, `${name}.key`));
    const { stdout } = await run('curl', [...args, `${endpoint}/${ACTION}${query}`]);
    const at = stdout.lastIndexOf('\n');
    return { status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) };
  }

  function keep(name: string, pair: IssuedPem, chain: readonly IssuedPem[] = []): void {
    clients[name] = pair;
    writeFileSync(join(dir, `${name}.crt`), [pair.cert, ...chain.map((c) => c.cert)].join(''));
    writeFileSync(join(dir, `${name}.key`), pair.key);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-sts-cert-'));
    root = await ca('Tessera client CA');
    stranger = await ca('Stranger CA');
    const intermediate = await issue({ commonName: 'Tessera intermediate CA', ca: true, issuer: root });
    const now = Date.now();
    keep('reader', await clientCert(root, 'cert-reader'));
    keep('chained', await clientCert(intermediate, 'cert-reader'), [intermediate]);
    keep('revoked', await clientCert(root, 'cert-reader'));
    keep(
      'expired',
      await clientCert(root, 'cert-reader', {
        notBefore: new Date(now - 2 * 86_400_000),
        notAfter: new Date(now - 86_400_000),
      }),
    );
    keep('stranger', await clientCert(stranger, 'cert-reader'));
    keep('nopolicy', await clientCert(root, 'no-such-policy'));
    keep('serveronly', await clientCert(root, 'cert-reader', { extendedKeyUsages: ['serverAuth'] }));
    // A certificate that ends in 20 minutes (whole seconds, as X.509 keeps them).
    keep(
      'short',
      await clientCert(root, 'cert-reader', {
        notAfter: new Date(Math.floor(now / 1000) * 1000 + 20 * 60_000),
      }),
    );
    certsDir = writeCertsDir(await serverCert(root), {
      'root.crt': root.cert,
      'root.crl': await crl(root, [clients.revoked!.serialNumber]),
    });
    caFile = join(certsDir, 'CAs', 'root.crt');
    server = await startServer({
      https: true,
      env: {
        TESSERA_CERTS_DIR: certsDir,
        MINIO_IDENTITY_TLS_ENABLE: 'on',
        TESSERA_AUDIT_FILE: join(dir, 'audit'),
      },
    });
    const handler = httpsHandler(root.cert);
    const iam = new IAMClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
      requestHandler: handler,
    });
    await iam.send(new CreatePolicyCommand({ PolicyName: 'cert-reader', PolicyDocument: READER }));
    const admin = s3Client(server, { requestHandler: handler });
    await admin.send(new CreateBucketCommand({ Bucket: 'cert-bucket' }));
    await admin.send(
      new PutObjectCommand({ Bucket: 'cert-bucket', Key: 'hello.txt', Body: 'hello, certificate' }),
    );
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(certsDir, { recursive: true, force: true });
  });

  it('curl with a client certificate gets credentials that follow the CN’s policy (SDK, aws CLI)', async () => {
    const c = credentials(await assume('reader', '&DurationSeconds=3600'));
    expect(c.accessKeyId).toMatch(/^ASIA/);
    expect(Math.abs(c.expiration - (Date.now() + 3600_000))).toBeLessThan(60_000);
    const handler = httpsHandler(root.cert);
    const s3 = new S3Client({
      endpoint: server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
      },
      requestHandler: handler,
    });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'cert-bucket', Key: 'hello.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello, certificate');
    await expect(
      s3.send(new PutObjectCommand({ Bucket: 'cert-bucket', Key: 'nope.txt', Body: 'x' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    const { stdout } = await run(
      AWS,
      [
        '--endpoint-url',
        server.endpoint,
        '--ca-bundle',
        caFile,
        's3',
        'cp',
        's3://cert-bucket/hello.txt',
        '-',
      ],
      { env: awsEnv(c) },
    );
    expect(stdout).toBe('hello, certificate');
    const sts = new STSClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
      },
      requestHandler: handler,
    });
    const who = await sts.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toMatch(/:assumed-role\/certificate\/cert-reader$/);
    expect(who.UserId).toBe('certificate:cert-reader');
  }, 60_000);

  it('accepts a chain through an intermediate CA the client sends along', async () => {
    expect(credentials(await assume('chained')).accessKeyId).toMatch(/^ASIA/);
  });

  it('never issues credentials that outlive the certificate', async () => {
    const c = credentials(await assume('short', '&DurationSeconds=3600'));
    const certEnd = new X509Certificate(clients.short!.cert).validTo;
    expect(c.expiration).toBeLessThanOrEqual(Date.parse(certEnd));
    expect(Date.parse(certEnd) - c.expiration).toBeLessThan(5_000);
    // A shorter DurationSeconds is kept.
    const brief = credentials(await assume('short', '&DurationSeconds=900'));
    expect(Math.abs(brief.expiration - (Date.now() + 900_000))).toBeLessThan(60_000);
  });

  it.each([
    ['no client certificate', undefined, 400, 'MissingParameter'],
    ['a certificate of an unknown CA', 'stranger', 400, 'InvalidClientCertificate'],
    ['an expired certificate', 'expired', 400, 'InvalidClientCertificate'],
    ['a certificate revoked by the CA’s CRL (CAs/root.crl)', 'revoked', 400, 'InvalidClientCertificate'],
    ['a certificate not for client authentication', 'serveronly', 400, 'InvalidClientCertificate'],
    ['a CN that names no policy', 'nopolicy', 403, 'AccessDenied'],
  ] as const)('refuses %s', async (_what, name, status, code) => {
    const a = await assume(name);
    expect(a.status, a.body).toBe(status);
    expect(tag(a.body, 'Code')).toBe(code);
    expect(a.body).not.toContain('<AccessKeyId>');
  });

  it('a CRL added to CAs/ while serving revokes at once, without a restart', async () => {
    keep('later', await clientCert(root, 'cert-reader'));
    expect((await assume('later')).status).toBe(200);
    writeFileSync(join(certsDir, 'CAs', 'later.crl'), await crl(root, [clients.later!.serialNumber]));
    // Every worker reloads on its own: wait until several answers in a row refuse it.
    const deadline = Date.now() + 15_000;
    let codes: string[] = [];
    while (Date.now() < deadline) {
      codes = [];
      for (let i = 0; i < 6; i++) codes.push(tag((await assume('later')).body, 'Code'));
      if (codes.every((c) => c === 'InvalidClientCertificate')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(codes).toEqual(Array(6).fill('InvalidClientCertificate'));
    expect((await assume('reader')).status).toBe(200);
  }, 30_000);

  it('refuses a bad DurationSeconds', async () => {
    const a = await assume('reader', '&DurationSeconds=60');
    expect(a.status).toBe(400);
    expect(tag(a.body, 'Code')).toBe('ValidationError');
  });

  it('is InsecureConnection over plain HTTP', async () => {
    const plain = await startServer({ workers: 1 });
    try {
      const { stdout } = await run('curl', [
        '-s',
        '-X',
        'POST',
        '-w',
        '\n%{http_code}',
        `${plain.endpoint}/${ACTION}`,
      ]);
      expect(stdout).toContain('<Code>InsecureConnection</Code>');
      expect(stdout.trim().endsWith('400')).toBe(true);
    } finally {
      await plain.stop();
    }
  }, 60_000);

  it('the audit trail names the certificate: certificate:<CN>, and why a proof failed', async () => {
    const deadline = Date.now() + 10_000;
    let entries: { auth?: { identitySource?: string; failureReason?: string; outcome?: string } }[] = [];
    for (;;) {
      const audit = join(dir, 'audit');
      entries = readdirSync(audit)
        .filter((f) => f.endsWith('.jsonl'))
        .flatMap((f) => readFileSync(join(audit, f), 'utf8').split('\n'))
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      const ok = entries.some((e) => e.auth?.identitySource === 'certificate:cert-reader');
      const failed = entries.some(
        (e) => e.auth?.identitySource === 'certificate' && e.auth.failureReason === 'certificate-revoked',
      );
      if ((ok && failed) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(entries.some((e) => e.auth?.identitySource === 'certificate:cert-reader')).toBe(true);
    expect(
      entries.some(
        (e) => e.auth?.identitySource === 'certificate' && e.auth.failureReason === 'certificate-revoked',
      ),
    ).toBe(true);
  });
});
