import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionOptions, connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { GetObjectCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS, awsEnv } from './helpers/aws-cli.js';
import {
  ca,
  clientCert,
  httpsHandler,
  type IssuedPem,
  issue,
  replaceFile,
  serverCert,
  writeCertsDir,
} from './helpers/certs.js';
import {
  MAIN,
  ROOT_PASSWORD,
  ROOT_USER,
  type RunningServer,
  s3Client,
  startServer,
} from './helpers/server.js';

const run = promisify(execFile);

/** One HTTPS GET of the health probe on `agent`: the status and the certificate the server showed. */
function probe(
  server: RunningServer,
  agent: Agent,
  caPem: string,
): Promise<{ status: number; serial: string; port: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.endpoint}/minio/health/live`, { agent, ca: caPem }, (res) => {
      const socket = res.socket as TLSSocket;
      const serial = (socket.getPeerCertificate() as PeerCertificate).serialNumber.toLowerCase();
      const port = socket.localPort ?? 0;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, serial, port }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A fresh connection's view of the server certificate's serial (polls until `want`, 15 s at most). */
async function servedSerial(server: RunningServer, caPem: string, want: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  let got = '';
  while (Date.now() < deadline) {
    const agent = new Agent({ keepAlive: false });
    got = (await probe(server, agent, caPem)).serial;
    agent.destroy();
    if (got === want.toLowerCase()) return got;
    await new Promise((r) => setTimeout(r, 200));
  }
  return got;
}

/** A TLS handshake with these client settings: 'ok' or the error's code. */
function handshake(port: number, opts: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      rejectUnauthorized: false,
      ...opts,
    });
    s.once('secureConnect', () => {
      s.destroy();
      resolve('ok');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe('HTTPS on the S3 port', () => {
  let root: IssuedPem;
  let server: RunningServer;
  let certsDir: string;
  let s3: S3Client;

  beforeAll(async () => {
    root = await ca('Tessera test CA');
    certsDir = writeCertsDir(await serverCert(root), { 'ca.crt': root.cert });
    server = await startServer({ https: true, env: { TESSERA_CERTS_DIR: certsDir } });
    s3 = s3Client(server, { requestHandler: httpsHandler(root.cert) });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(certsDir, { recursive: true, force: true });
  });

  it('announces https:// and serves the AWS SDK v3 and the aws CLI over TLS', async () => {
    expect(server.output()).toContain(`Tessera S3 API: https://127.0.0.1:${server.port}`);
    const env = awsEnv();
    const caFile = join(certsDir, 'CAs', 'ca.crt');
    await run(AWS, ['--endpoint-url', server.endpoint, '--ca-bundle', caFile, 's3', 'mb', 's3://tls-cli'], {
      env,
    });
    writeFileSync(join(certsDir, '..', `tls-upload-${server.port}.txt`), 'over TLS');
    await run(
      AWS,
      [
        '--endpoint-url',
        server.endpoint,
        '--ca-bundle',
        caFile,
        's3',
        'cp',
        join(certsDir, '..', `tls-upload-${server.port}.txt`),
        's3://tls-cli/a.txt',
      ],
      { env },
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'tls-cli', Key: 'a.txt' }));
    expect(await got.Body?.transformToString()).toBe('over TLS');
    // Without the CA the CLI refuses the certificate: it really is TLS with this server's certificate.
    await expect(
      run(AWS, ['--endpoint-url', server.endpoint, 's3', 'ls'], {
        env: { ...env, AWS_CA_BUNDLE: '/dev/null' },
      }),
    ).rejects.toThrow();
  }, 60_000);

  it('every worker serves TLS (fresh connections, several times)', async () => {
    for (let i = 0; i < 8; i++) {
      const agent = new Agent({ keepAlive: false });
      expect((await probe(server, agent, root.cert)).status).toBe(200);
      agent.destroy();
    }
  });

  it('refuses TLS 1.1 and TLS 1.2 ciphers without forward secrecy; offers 1.2 and 1.3', async () => {
    const tls11 = await handshake(server.port, {
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    // The server's alerts (the client offered these).
    expect(tls11).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    const weak = await handshake(server.port, {
      maxVersion: 'TLSv1.2',
      ciphers: 'AES128-SHA:AES256-GCM-SHA384',
    });
    expect(weak).toBe('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
    expect(await handshake(server.port, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).toBe('ok');
    expect(await handshake(server.port, { minVersion: 'TLSv1.3' })).toBe('ok');
  });

  it('a replaced certificate is served to new connections; an open keep-alive connection goes on', async () => {
    const keep = new Agent({ keepAlive: true, maxSockets: 1 });
    const before = await probe(server, keep, root.cert);
    const next = await serverCert(root, 'localhost');
    // The key first, then the certificate: a reload in between refuses the mismatched pair and keeps the old one.
    replaceFile(join(certsDir, 'private.key'), next.key);
    replaceFile(join(certsDir, 'public.crt'), next.cert);
    expect(await servedSerial(server, root.cert, next.serialNumber)).toBe(next.serialNumber.toLowerCase());
    const after = await probe(server, keep, root.cert);
    expect(after.status).toBe(200);
    // The same connection, still with the certificate it was opened with.
    expect(after.port).toBe(before.port);
    expect(after.serial).toBe(before.serial);
    keep.destroy();
    expect(server.output()).toContain('TLS: certificates reloaded');
  }, 30_000);

  it('AssumeRoleWithCertificate is STSNotInitialized while client certificates are off', async () => {
    const client = await clientCert(root, 'readwrite');
    const dir = mkdtempSync(join(tmpdir(), 'tessera-client-'));
    writeFileSync(join(dir, 'c.crt'), client.cert);
    writeFileSync(join(dir, 'c.key'), client.key);
    const { stdout } = await run('curl', [
      '-s',
      '-w',
      '\n%{http_code}',
      '-X',
      'POST',
      '--cacert',
      join(certsDir, 'CAs', 'ca.crt'),
      '--cert',
      join(dir, 'c.crt'),
      '--key',
      join(dir, 'c.key'),
      `${server.endpoint}/?Action=AssumeRoleWithCertificate&Version=2011-06-15`,
    ]);
    rmSync(dir, { recursive: true, force: true });
    expect(stdout).toContain('<Code>STSNotInitialized</Code>');
    expect(stdout.trim().endsWith('503')).toBe(true);
  });
});

describe('SIGHUP reloads certificates the file watch cannot see (a swapped symlink)', () => {
  it('serves the new certificate after SIGHUP, without a restart', async () => {
    const root = await ca('Tessera SIGHUP CA');
    const base = mkdtempSync(join(tmpdir(), 'tessera-sighup-'));
    const first = await serverCert(root);
    const second = await serverCert(root);
    for (const [name, pair] of [
      ['a', first],
      ['b', second],
    ] as const) {
      mkdirSync(join(base, name));
      writeFileSync(join(base, name, 'tls.crt'), pair.cert);
      writeFileSync(join(base, name, 'tls.key'), pair.key);
    }
    symlinkSync(join(base, 'a'), join(base, 'current'));
    const server = await startServer({
      https: true,
      env: {
        TESSERA_TLS_CERT_FILE: join(base, 'current', 'tls.crt'),
        TESSERA_TLS_KEY_FILE: join(base, 'current', 'tls.key'),
      },
    });
    try {
      expect(await servedSerial(server, root.cert, first.serialNumber)).toBe(
        first.serialNumber.toLowerCase(),
      );
      symlinkSync(join(base, 'b'), join(base, 'next'));
      renameSync(join(base, 'next'), join(base, 'current'));
      await new Promise((r) => setTimeout(r, 1000));
      // No file event reached the server: still the first certificate…
      for (let i = 0; i < 4; i++) {
        const agent = new Agent({ keepAlive: false });
        expect((await probe(server, agent, root.cert)).serial).toBe(first.serialNumber.toLowerCase());
        agent.destroy();
      }
      process.kill(server.proc.pid!, 'SIGHUP');
      // …until SIGHUP, passed on by the primary to every worker.
      for (let i = 0; i < 6; i++)
        expect(await servedSerial(server, root.cert, second.serialNumber)).toBe(
          second.serialNumber.toLowerCase(),
        );
    } finally {
      await server.stop();
      rmSync(base, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('start-up errors', () => {
  it('a mismatched key pair stops the server with a clear error', async () => {
    const root = await ca('Tessera mismatch CA');
    const a = await serverCert(root);
    const b = await serverCert(root);
    const dir = writeCertsDir({ ...a, key: b.key });
    try {
      const err = await startServer({ https: true, env: { TESSERA_CERTS_DIR: dir } }).then(
        () => 'started',
        (e: Error) => e.message,
      );
      expect(err).toMatch(
        /private\.key is not the private key of .*public\.crt.*the key pair does not match/,
      );
      writeFileSync(join(dir, 'private.key'), 'not a key');
      const garbage = await startServer({ https: true, env: { TESSERA_CERTS_DIR: dir } }).then(
        () => 'started',
        (e: Error) => e.message,
      );
      expect(garbage).toMatch(/private\.key holds no PEM private key/);
      const missing = await startServer({ https: true, env: { TESSERA_CERTS_DIR: join(dir, 'nope') } }).then(
        () => 'started',
        (e: Error) => e.message,
      );
      expect(missing).toMatch(/the certs directory .*nope does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('aws:SecureTransport comes from the connection', () => {
  const DENY_PLAIN = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
      {
        Effect: 'Deny',
        Action: 's3:*',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });

  /** A user allowed ListBuckets only over TLS; its S3 client. */
  async function tlsOnlyUser(
    server: RunningServer,
    handler?: ReturnType<typeof httpsHandler>,
  ): Promise<S3Client> {
    const base = {
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
      ...(handler === undefined ? {} : { requestHandler: handler }),
    };
    const iam = new IAMClient(base);
    await iam.send(new CreateUserCommand({ UserName: 'tls-only' }));
    const p = await iam.send(new CreatePolicyCommand({ PolicyName: 'tls-only', PolicyDocument: DENY_PLAIN }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'tls-only', PolicyArn: p.Policy!.Arn! }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'tls-only' }))).AccessKey!;
    return new S3Client({
      ...base,
      forcePathStyle: true,
      credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
    });
  }

  it('a Deny on aws:SecureTransport=false refuses plain HTTP (even with X-Forwarded-Proto: https) and not HTTPS', async () => {
    const root = await ca('Tessera transport CA');
    const dir = writeCertsDir(await serverCert(root));
    const [plain, secure] = await Promise.all([
      startServer({ workers: 1 }),
      startServer({ https: true, workers: 1, env: { TESSERA_CERTS_DIR: dir } }),
    ]);
    try {
      const overTls = await tlsOnlyUser(secure, httpsHandler(root.cert));
      expect((await overTls.send(new ListBucketsCommand({}))).Buckets).toBeDefined();
      const overHttp = await tlsOnlyUser(plain);
      overHttp.middlewareStack.add(
        (next) => async (args) => {
          const r = args.request as { headers: Record<string, string> };
          r.headers['x-forwarded-proto'] = 'https';
          return next(args);
        },
        { step: 'build' },
      );
      await expect(overHttp.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
    } finally {
      await Promise.all([plain.stop(), secure.stop()]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('SNI certificates and tessera certs generate', () => {
  it('a sub-folder of the certs directory serves its names (SNI); others get public.crt', async () => {
    const root = await ca('Tessera SNI CA');
    const main = await serverCert(root);
    const other = await issue({
      commonName: 'objects.example.test',
      issuer: root,
      hosts: ['objects.example.test', '*.wild.example.test'],
    });
    const dir = writeCertsDir(main, {}, { 'objects.example.test': other });
    const server = await startServer({ https: true, workers: 1, env: { TESSERA_CERTS_DIR: dir } });
    const serial = (servername: string) =>
      new Promise<string>((resolve, reject) => {
        const s = connect({
          host: '127.0.0.1',
          port: server.port,
          servername,
          ca: root.cert,
          rejectUnauthorized: false,
        });
        s.once('secureConnect', () => {
          resolve(s.getPeerCertificate().serialNumber.toLowerCase());
          s.destroy();
        });
        s.once('error', reject);
      });
    try {
      expect(await serial('objects.example.test')).toBe(other.serialNumber);
      expect(await serial('a.wild.example.test')).toBe(other.serialNumber);
      expect(await serial('localhost')).toBe(main.serialNumber);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('`tessera certs generate` writes a certs directory that `tessera server --certs-dir` serves over HTTPS', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tessera-gen-')), 'certs');
    const { stdout } = await run(process.execPath, [
      MAIN,
      'certs',
      'generate',
      '--out',
      out,
      '--host',
      'localhost,127.0.0.1',
    ]);
    expect(stdout).toContain(join(out, 'public.crt'));
    // Refuses to overwrite without --force.
    await expect(run(process.execPath, [MAIN, 'certs', 'generate', '--out', out])).rejects.toThrow(/exists/);
    const server = await startServer({ https: true, workers: 1, env: { TESSERA_CERTS_DIR: out } });
    try {
      const caPem = readFileSync(join(out, 'CAs', 'tessera-dev-ca.crt'), 'utf8');
      const agent = new Agent({ keepAlive: false });
      expect((await probe(server, agent, caPem)).status).toBe(200);
      agent.destroy();
      const { stdout: code } = await run('curl', [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '--cacert',
        join(out, 'CAs', 'tessera-dev-ca.crt'),
        `https://localhost:${server.port}/minio/health/live`,
      ]);
      expect(code).toBe('200');
    } finally {
      await server.stop();
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  }, 60_000);
});
