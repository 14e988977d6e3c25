import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, screenshot } from './helpers/browser.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';
import { type Slapd, startSlapd } from './helpers/slapd.js';

/**
 * The console's identity and security pages in headless Chromium against the real server:
 * as root, a user, a policy (validation errors first), an attachment and an access key made
 * through the pages; as that user, only what the policy allows; as root again, the simulator's
 * answer for a denied request and the audit entry of that denial.
 */

const ALLOWED = 'console-admin-allowed';
const OTHER = 'console-admin-other';
const USER = 'reader';
const POLICY = 'reader-policy';

/** Allows only listing buckets, and listing and reading ALLOWED. */
const GOOD_POLICY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'SeeBuckets', Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
      {
        Sid: 'ReadOneBucket',
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:GetObject'],
        Resource: [`arn:aws:s3:::${ALLOWED}`, `arn:aws:s3:::${ALLOWED}/*`],
      },
    ],
  },
  null,
  2,
);

/** The same with a misspelled Effect in the second statement. */
const BROKEN_POLICY = GOOD_POLICY.replace(
  '"Effect": "Allow",\n      "Action": [',
  '"Effect": "Alow",\n      "Action": [',
);

let server: RunningServer;
let consoleUrl: string;
let browser: Browser;
let page: Page;
let auditDir: string;
let userKeys: { accessKeyId: string; secretAccessKey: string };

function consoleUrlOf(s: RunningServer): string {
  const url = (s as RunningServer & { consoleUrl?: string }).consoleUrl;
  if (url === undefined) throw new Error('startServer does not give consoleUrl yet');
  return url;
}

async function open(path: string): Promise<void> {
  await page.goto(`${consoleUrl}/#${path}`);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Waits until the locator's first match is visible (Playwright's own waiting; vitest has no locator matchers). */
async function visible(l: Locator): Promise<void> {
  await l.first().waitFor({ state: 'visible', timeout: 15_000 });
}

async function hidden(l: Locator): Promise<void> {
  await l.first().waitFor({ state: 'hidden', timeout: 15_000 });
}

/** The text of the first match, once it is visible. */
async function visibleText(l: Locator): Promise<string> {
  await visible(l);
  return (await l.first().textContent()) ?? '';
}

function dialog(name: string) {
  return page.getByRole('dialog', { name });
}

/** As helpers/browser.ts signInWithKeys, with exact labels (the sign-in form itself is labelled "Access keys"). */
async function signInWithKeys(p: Page, url: string, accessKey: string, secretKey: string): Promise<void> {
  await p.goto(url);
  await p.getByLabel('Access key', { exact: true }).fill(accessKey);
  await p.getByLabel('Secret key', { exact: true }).fill(secretKey);
  await p.getByRole('button', { name: 'Sign in', exact: true }).click();
  await p.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Access key', { exact: true }).waitFor();
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-console-admin-'));
  auditDir = join(dir, 'audit');
  mkdirSync(auditDir);
  server = await startServer({ env: { TESSERA_AUDIT_FILE: auditDir } });
  consoleUrl = consoleUrlOf(server).replace(/\/$/, '');
  const root = s3Client(server);
  for (const b of [ALLOWED, OTHER]) await root.send(new CreateBucketCommand({ Bucket: b }));
  await root.send(new PutObjectCommand({ Bucket: ALLOWED, Key: 'hello.txt', Body: 'hello' }));
  await root.send(new PutObjectCommand({ Bucket: OTHER, Key: 'secret.txt', Body: 'secret' }));
  browser = await launchBrowser();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (auditDir) rmSync(join(auditDir, '..'), { recursive: true, force: true });
});

describe('console identity and security pages', () => {
  // A failing step leaves a screenshot of where it stood.
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      await screenshot(page, `failed-${task.name.replace(/\W+/g, '-').slice(0, 40)}`);
    });
  });
  it('as root: creates a user, a validated policy, attaches it and makes an access key', async () => {
    await signInWithKeys(page, consoleUrl, ROOT_USER, ROOT_PASSWORD);
    await open('/users');
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await visible(page.getByText('No users yet.'));
    await screenshot(page, 'admin-users-empty');

    // A dialog closes on Escape.
    await page.getByRole('button', { name: 'Create user' }).first().click();
    await visible(dialog('Create user'));
    await page.keyboard.press('Escape');
    await hidden(dialog('Create user'));

    await page.getByRole('button', { name: 'Create user' }).first().click();
    await dialog('Create user').getByLabel('User name').fill(USER);
    await dialog('Create user').getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('heading', { name: `User ${USER}` }).waitFor();
    expect(page.url()).toContain(`#/users/${USER}`);

    // The policy: a broken document first; the error is shown at its JSON path.
    await open('/policies-new');
    await page.getByLabel('Policy name').fill(POLICY);
    await page.getByLabel('Policy document').fill(BROKEN_POLICY);
    await page.getByRole('button', { name: 'Validate' }).click();
    const error = page.locator('.issues-error li').first();
    await error.waitFor();
    const path = await error.getAttribute('data-path');
    expect(path).toMatch(/Statement.*1.*Effect/);
    expect(await page.getByLabel('Policy document').getAttribute('aria-invalid')).toBe('true');
    // "Show" selects the offending member in the text.
    await error.getByRole('button', { name: 'Show' }).click();
    const selected = await page.getByLabel('Policy document').evaluate((t) => {
      const area = t as unknown as { value: string; selectionStart: number; selectionEnd: number };
      return area.value.slice(area.selectionStart, area.selectionEnd);
    });
    expect(selected).toContain('Alow');
    await screenshot(page, 'admin-policy-validation');
    // Saving a broken document is refused: the page stays.
    await page.getByRole('button', { name: 'Create policy' }).click();
    await visible(page.locator('.issues-error li').first());
    expect(page.url()).toContain('#/policies-new');

    // A valid document without Version: accepted, with a lint hint at its path.
    await page.getByLabel('Policy document').fill(GOOD_POLICY.replace('"Version": "2012-10-17",', ''));
    await page.getByRole('button', { name: 'Validate' }).click();
    await visible(page.locator('.issues-warning li[data-path="Version"]'));
    expect(await page.locator('.issues-error li').count()).toBe(0);

    await page.getByLabel('Policy document').fill(GOOD_POLICY);
    await page.getByRole('button', { name: 'Validate' }).click();
    await visible(page.getByText('Valid identity policy'));
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.getByRole('heading', { name: `Policy ${POLICY}` }).waitFor();
    expect(await visibleText(page.locator('pre.policy-document'))).toContain('ReadOneBucket');
    await screenshot(page, 'admin-policy');

    // Editing saves a new default version.
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Policy document').fill(GOOD_POLICY.replace('ReadOneBucket', 'ReadTheBucket'));
    await page.getByRole('button', { name: 'Save new version' }).click();
    await visible(page.locator('pre.policy-document', { hasText: 'ReadTheBucket' }));
    await visible(page.locator('.facts dd', { hasText: /^v2/ }));
    await open('/policies');
    await visible(page.getByRole('link', { name: POLICY }));
    await visible(page.locator('tr', { hasText: 'consoleAdmin' }).getByText('built-in'));
    await screenshot(page, 'admin-policies');

    // Attach it to the user.
    await open(`/users/${USER}`);
    await page.getByLabel('Policy to attach').selectOption(POLICY);
    await page.getByRole('button', { name: 'Attach', exact: true }).click();
    await visible(page.getByRole('list', { name: 'Attached policies' }).getByRole('link', { name: POLICY }));

    // An access key: the secret is shown once, in the dialog.
    await page.getByRole('button', { name: 'Create access key' }).click();
    await dialog('Create access key').getByRole('button', { name: 'Create', exact: true }).click();
    const created = dialog('Access key created');
    await visible(created);
    await visible(created.getByText('only time it is shown'));
    userKeys = {
      accessKeyId: await created.getByLabel('Access key ID').inputValue(),
      secretAccessKey: await created.getByLabel('Secret access key').inputValue(),
    };
    expect(userKeys.accessKeyId).toMatch(/^\S{16,}$/);
    expect(userKeys.secretAccessKey.length).toBeGreaterThanOrEqual(20);
    await screenshot(page, 'admin-access-key-created');
    await created.getByRole('button', { name: 'Done' }).click();
    await hidden(created);
    await visible(page.getByRole('cell', { name: userKeys.accessKeyId }));
    // Once closed, the secret is nowhere in the page.
    expect(await page.content()).not.toContain(userKeys.secretAccessKey);
    await screenshot(page, 'admin-user');
  });

  it('as the user: sees only what the policy allows', async () => {
    await signOut();
    await signInWithKeys(page, consoleUrl, userKeys.accessKeyId, userKeys.secretAccessKey);
    // What S3 itself lists for the user's keys is what the buckets page shows.
    const mine = new S3Client({
      endpoint: server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: userKeys,
    });
    const listed = ((await mine.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
    expect(listed).toContain(ALLOWED);
    await open('/buckets');
    await visible(page.getByRole('link', { name: ALLOWED, exact: true }));
    if (!listed.includes(OTHER))
      expect(await page.getByRole('link', { name: OTHER, exact: true }).count()).toBe(0);

    await open(`/browse/${ALLOWED}`);
    await visible(page.getByText('hello.txt'));

    // Outside the policy: the bucket it may not list, and the IAM pages.
    await open(`/browse/${OTHER}`);
    await visible(page.locator('.error-code', { hasText: 'AccessDenied' }).first());
    await screenshot(page, 'admin-user-denied-bucket');
    await open('/users');
    await visible(page.locator('.error-code', { hasText: 'AccessDenied' }));
    await visible(page.getByText('Your policies do not allow this page'));
    await screenshot(page, 'admin-user-denied-users');
    await open('/accounts');
    await visible(page.getByText("Accounts are managed by the deployment's root."));

    // A request the user is denied, through the SDK with the user's keys.
    await expect(mine.send(new GetObjectCommand({ Bucket: OTHER, Key: 'secret.txt' }))).rejects.toMatchObject(
      {
        name: 'AccessDenied',
      },
    );
  });

  it('as root: the simulator explains the denial and the allowed read', async () => {
    await signOut();
    await signInWithKeys(page, consoleUrl, ROOT_USER, ROOT_PASSWORD);
    await open('/simulator');
    await page.getByLabel('Principal name').selectOption(USER);
    await page.getByLabel('Action', { exact: true }).fill('s3:GetObject');
    await page.getByLabel('Resource ARN').fill(`arn:aws:s3:::${OTHER}/secret.txt`);
    await page.getByRole('button', { name: 'Simulate' }).click();
    const denied = page.getByRole('region', { name: 'Result for s3:GetObject' });
    expect(await visibleText(denied.locator('.decision-code'))).toBe('implicitDeny');
    await visible(denied.getByText('no statement allows it'));
    await screenshot(page, 'admin-simulator-denied');

    await page.getByLabel('Resource ARN').fill(`arn:aws:s3:::${ALLOWED}/hello.txt`);
    await page.getByRole('button', { name: 'Simulate' }).click();
    const allowed = page.getByRole('region', { name: 'Result for s3:GetObject' });
    await visible(allowed.locator('.decision-code').getByText('allowed', { exact: true }));
    await visible(allowed.locator('.statements').getByRole('link', { name: POLICY }));
    // The deciding statement itself, from the policy the engine named.
    expect(await visibleText(allowed.locator('.statement-texts li'))).toContain(
      'Allow statement #1 (Sid ReadTheBucket)',
    );
    await screenshot(page, 'admin-simulator');
  });

  it('as root: the audit viewer finds the denial and explains it', async () => {
    // A time range that holds nothing: the filter reaches the server.
    await open('/audit?since=2099-01-01T00%3A00%3A00.000Z');
    await visible(page.getByText('No entry matches these filters.'));
    // The filters, through the form: they go into the page's address.
    await open('/audit');
    await page.getByLabel('Principal', { exact: true }).fill(`user/${USER}`);
    await page.getByLabel('Action', { exact: true }).fill('GetObject');
    await page.getByLabel('Decision', { exact: true }).selectOption('deny');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/decision=deny/);
    expect(page.url()).toContain('action=GetObject');
    const details = page.getByRole('button', { name: /^Details of GetObject/ });
    // Entries are written asynchronously (within milliseconds): refresh until the denial is there.
    for (let i = 0; i < 50 && (await details.count()) === 0; i++) {
      await page.waitForTimeout(200);
      await page.getByRole('button', { name: 'Refresh' }).click();
    }
    await visible(page.locator('tr', { hasText: OTHER }).first());
    await screenshot(page, 'admin-audit');
    await page
      .locator('tr', { hasText: `${OTHER}/secret.txt` })
      .first()
      .getByRole('button')
      .click();
    const entry = dialog('Audit entry: GetObject');
    await visible(entry);
    expect(await visibleText(entry.getByRole('list', { name: 'Explanation' }))).toContain(
      `Denied: no statement allowed s3:GetObject on arn:aws:s3:::${OTHER}/secret.txt (implicit deny).`,
    );
    await entry.getByText('Raw entry (JSON)').click();
    expect(await visibleText(entry.locator('pre.raw-entry'))).toContain('"reason": "implicitDeny"');
    await screenshot(page, 'admin-audit-entry');
    await page.keyboard.press('Escape');
    await hidden(entry);
  });

  it('as root: the other pages render (groups, roles, service accounts, providers, accounts, metrics)', async () => {
    // Disable and enable the user.
    await open(`/users/${USER}`);
    await page.getByRole('button', { name: 'Disable user' }).click();
    await visible(page.locator('.facts .badge', { hasText: 'Inactive' }));
    await page.getByRole('button', { name: 'Enable user' }).click();
    await visible(page.locator('.facts .badge', { hasText: /^Active$/ }));

    // Groups: create one, add the user.
    await open('/groups');
    await visible(page.getByText('No groups yet.'));
    await page.getByRole('button', { name: 'Create group' }).first().click();
    // From the keyboard: the name field has the focus, Enter submits.
    await page.keyboard.type('readers');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Group readers' }).waitFor();
    await page.getByLabel('User to add').selectOption(USER);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await visible(page.getByRole('list', { name: 'Members' }).getByRole('link', { name: USER }));
    // An inline policy, checked before it is saved.
    await page.getByRole('button', { name: 'Add inline policy' }).click();
    const inline = dialog('Add inline policy');
    await inline.getByLabel('Policy name').fill('no-deletes');
    await inline
      .getByLabel('Policy document')
      .fill('{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject"}]}');
    await inline.getByRole('button', { name: 'Save' }).click();
    expect(await visibleText(inline.locator('.issues-error li'))).toContain('Statement[0]');
    await inline
      .getByLabel('Policy document')
      .fill(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}',
      );
    await inline.getByRole('button', { name: 'Save' }).click();
    await hidden(inline);
    await visible(
      page.getByRole('list', { name: 'Inline policies' }).getByRole('button', { name: 'no-deletes' }),
    );
    await screenshot(page, 'admin-group');
    // The group's Deny, found by the simulator: an explicit deny by the inline policy's statement.
    await page.getByRole('link', { name: 'Simulate a request for readers' }).click();
    await page.getByRole('heading', { name: 'Policy simulator' }).waitFor();
    await page.getByLabel('Principal name').selectOption('readers');
    await page.getByLabel('Action', { exact: true }).fill('s3:DeleteObject');
    await page.getByLabel('Resource ARN').fill(`arn:aws:s3:::${ALLOWED}/hello.txt`);
    await page.getByRole('button', { name: 'Simulate' }).click();
    const groupResult = page.getByRole('region', { name: 'Result for s3:DeleteObject' });
    expect(await visibleText(groupResult.locator('.decision-code'))).toBe('explicitDeny');
    await visible(groupResult.locator('.statements').getByRole('link', { name: 'group/readers/no-deletes' }));
    expect(await visibleText(groupResult.locator('.statement-texts li'))).toContain('Deny statement #0');
    await screenshot(page, 'admin-simulator-group-deny');
    await open('/groups');
    await visible(page.getByRole('link', { name: 'readers' }));
    await screenshot(page, 'admin-groups');

    // Roles: create one with a trust policy.
    await open('/roles');
    await visible(page.getByText('No roles yet.'));
    await open('/roles-new');
    await page.getByLabel('Role name').fill('ci-role');
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.getByRole('heading', { name: 'Role ci-role' }).waitFor();
    await page.getByLabel('Policy to attach').selectOption('readonly');
    await page.getByRole('button', { name: 'Attach', exact: true }).click();
    await visible(
      page.getByRole('list', { name: 'Attached policies' }).getByRole('link', { name: 'readonly' }),
    );
    // A trust policy IAM refuses: the refusal is shown at its path, and nothing is saved.
    const trust = page.getByRole('region', { name: 'Trust policy' });
    await trust.getByRole('button', { name: 'Edit' }).click();
    await trust
      .getByLabel('Trust policy')
      .fill(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject"}]}',
      );
    await trust.getByRole('button', { name: 'Save trust policy' }).click();
    expect(
      await trust.locator('.issues-error li').first().getAttribute('data-path', { timeout: 15_000 }),
    ).toMatch(/^Statement\[0\]/);
    await trust.getByRole('button', { name: 'Cancel' }).click();
    expect(await visibleText(trust.locator('pre.json'))).toContain('sts:AssumeRole');
    await screenshot(page, 'admin-role');
    // A role is simulated over its policies (SimulateCustomPolicy), labelled back to their names.
    await page.getByRole('link', { name: 'Simulate a request with this role' }).click();
    await page.getByRole('heading', { name: 'Policy simulator' }).waitFor();
    await page.getByLabel('Principal name').selectOption('ci-role');
    await page.getByLabel('Resource ARN').fill(`arn:aws:s3:::${ALLOWED}/hello.txt`);
    await page.getByRole('button', { name: 'Simulate' }).click();
    const roleResult = page.getByRole('region', { name: 'Result for s3:GetObject' });
    await visible(roleResult.locator('.decision-code').getByText('allowed', { exact: true }));
    await visible(roleResult.locator('.statements').getByRole('link', { name: 'readonly' }));
    // A built-in policy: its document, read-only, and who uses it.
    await open('/policies/readonly');
    expect(await visibleText(page.locator('pre.policy-document'))).toContain('s3:GetBucketLocation');
    await visible(
      page.getByRole('list', { name: 'Entities using the policy' }).getByRole('link', { name: 'ci-role' }),
    );
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await open('/roles');
    await visible(page.getByRole('link', { name: 'ci-role' }));
    await screenshot(page, 'admin-roles');

    // Service accounts: root's own, with a name and description.
    await open('/service-accounts');
    await page.getByRole('button', { name: 'Create access key' }).first().click();
    await dialog('Create access key').getByLabel('Name (optional)').fill('backup');
    await dialog('Create access key').getByLabel('Description (optional)').fill('nightly backup job');
    await dialog('Create access key').getByRole('button', { name: 'Create', exact: true }).click();
    const created = dialog('Access key created');
    expect(await created.getByLabel('Secret access key').inputValue()).not.toBe('');
    await created.getByRole('button', { name: 'Done' }).click();
    await visible(page.getByRole('cell', { name: 'nightly backup job' }));
    const backup = page.locator('tr', { hasText: 'nightly backup job' });
    await backup.getByRole('button', { name: 'Deactivate' }).click();
    await visible(backup.locator('.badge', { hasText: 'Inactive' }));
    await visible(backup.getByRole('button', { name: 'Activate' }));
    await screenshot(page, 'admin-service-accounts');

    await open('/identity-providers');
    await visible(page.getByText('No identity provider is configured.'));
    await screenshot(page, 'admin-identity-providers');

    // Accounts: the root's console session (unnarrowed) manages them as the root's keys do.
    await open('/accounts');
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    await visible(page.getByText('No other account yet.'));
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByLabel('Account name').fill('team-a');
    await page
      .getByRole('dialog', { name: 'Create account' })
      .getByRole('button', { name: 'Create' })
      .click();
    const account = page.getByRole('dialog', { name: 'Account created: its root credentials' });
    await visible(account);
    await account.getByRole('button', { name: 'Done' }).click();
    await visible(page.locator('tr', { hasText: 'team-a' }));
    await screenshot(page, 'admin-accounts');

    await open('/metrics');
    await visible(page.getByRole('region', { name: 'Requests' }));
    expect(await visibleText(page.getByRole('region', { name: 'Requests' }).locator('.card-value'))).not.toBe(
      '—',
    );
    await screenshot(page, 'admin-metrics');
  });
});

describe('identity providers page with LDAP directories and an OpenID provider', () => {
  let slapd: Slapd;
  let ldapServer: RunningServer;
  let ldapConsole: string;
  /** A stand-in OpenID provider: just its discovery document and an empty key set. */
  let idp: Server;

  beforeAll(async () => {
    idp = createServer((req, res) => {
      const base = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration')
        res.end(
          JSON.stringify({
            issuer: base,
            authorization_endpoint: `${base}/authorize`,
            token_endpoint: `${base}/token`,
            jwks_uri: `${base}/jwks`,
          }),
        );
      else if (req.url === '/jwks') res.end('{"keys":[]}');
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    const idpUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/.well-known/openid-configuration`;
    slapd = await startSlapd();
    ldapServer = await startServer({
      workers: 1,
      env: {
        ...slapd.env(),
        ...slapd.env('WRONG', { LOOKUP_BIND_PASSWORD: 'not-the-password' }),
        // An OpenID provider whose discovery document is unreachable (fetched on first use only).
        TESSERA_IDENTITY_OPENID_CONFIG_URL: 'http://127.0.0.1:9/.well-known/openid-configuration',
        TESSERA_IDENTITY_OPENID_CLIENT_ID: 'console-test',
        TESSERA_IDENTITY_OPENID_CONFIG_URL_GOOD: idpUrl,
        TESSERA_IDENTITY_OPENID_CLIENT_ID_GOOD: 'console-good',
      },
    });
    ldapConsole = consoleUrlOf(ldapServer).replace(/\/$/, '');
  });

  afterAll(async () => {
    await ldapServer?.stop();
    await slapd?.stop();
    await new Promise((r) => idp?.close(r));
  });

  it('lists the directories and tests their connections', async () => {
    await signInWithKeys(page, ldapConsole, ROOT_USER, ROOT_PASSWORD);
    await page.goto(`${ldapConsole}/#/identity-providers`);
    const good = page.getByRole('region', { name: 'LDAP directory default' });
    const wrong = page.getByRole('region', { name: 'LDAP directory wrong' });
    expect(await visibleText(good.locator('table.kv'))).toContain('lookup_bind_dn');
    // The lookup password is never shown.
    expect(await page.content()).not.toContain('lookup-secret');
    await good.getByLabel('Look up a user (optional; no password is sent)').fill('alice');
    await good.getByRole('button', { name: 'Test connection' }).click();
    expect(await visibleText(good.getByRole('status'))).toBe('Every step succeeded.');
    const steps = good.getByRole('list', { name: 'Check steps' }).getByRole('listitem');
    expect(await steps.count()).toBe(4);
    expect(await steps.nth(2).textContent()).toContain('uid=alice');
    await wrong.getByRole('button', { name: 'Test connection' }).click();
    expect(await visibleText(wrong.getByRole('status'))).toBe('A step failed: see below.');
    expect(await visibleText(wrong.locator('.steps li.deny'))).toContain('lookup bind');
    const openid = page.getByRole('region', { name: 'OpenID provider default' });
    expect(await visibleText(openid.locator('table.kv'))).toContain('console-test');
    expect(await openid.getByRole('link', { name: 'Open the discovery document' }).getAttribute('href')).toBe(
      'http://127.0.0.1:9/.well-known/openid-configuration',
    );
    // Its test asks the server for the discovery document, which is unreachable here.
    await openid.getByRole('button', { name: 'Test connection' }).click();
    expect(await visibleText(openid.locator('p.deny[role="status"]'))).toContain('could not use');
    expect(await visibleText(openid.locator('.error-code'))).toBe('IDPCommunicationError');
    const reachable = page.getByRole('region', { name: 'OpenID provider good' });
    await reachable.getByRole('button', { name: 'Test connection' }).click();
    expect(await visibleText(reachable.locator('p.ok[role="status"]'))).toContain('reached the provider');
    await screenshot(page, 'admin-identity-providers-ldap');
  });
});
