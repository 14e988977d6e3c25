import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetObjectTaggingCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, screenshot, signInWithKeys } from './helpers/browser.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * The console's storage pages (docs/console.md "Pages") in headless Chromium against the real
 * server: buckets, bucket settings and the object browser, checked through the page and then
 * with @aws-sdk/client-s3 signed as root.
 */
const BUCKET = 'console-data';
const MiB = 1024 * 1024;
let server: RunningServer;
let consoleUrl: string;
let browser: Browser;
let page: Page;
let s3: S3Client;
/** Large files go to the page as paths (a buffer would cross the DevTools protocol). */
let files: string;

function file(name: string, bytes: Buffer): string {
  const path = join(files, name);
  writeFileSync(path, bytes);
  return path;
}

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

function row(name: string | RegExp): Locator {
  return page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
}

function objectRow(name: string): Locator {
  return page.getByRole('row').filter({ has: page.getByRole('button', { name, exact: true }) });
}

/** Run in the page: records every value the upload's progress bar takes, as the page renders it. */
const RECORD_PROGRESS = `(() => {
  const seen = [];
  window.progressSeen = seen;
  const record = (el) => {
    if (el instanceof HTMLProgressElement && el.closest('[data-key="reports/big.bin"]'))
      seen.push(el.getAttribute('value') ?? '');
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') record(r.target);
      for (const n of r.addedNodes) if (n instanceof Element) n.querySelectorAll('progress').forEach(record);
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
})()`;

async function go(hash: string): Promise<void> {
  await page.goto(`${consoleUrl}/#${hash}`);
}

async function downloadBytes(link: Locator): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = await download.path();
  return readFileSync(path);
}

beforeAll(async () => {
  server = await startServer();
  consoleUrl = server.consoleUrl;
  s3 = s3Client(server);
  browser = await launchBrowser();
  page = browser.page;
  page.setDefaultTimeout(30_000);
  files = mkdtempSync(join(tmpdir(), 'tessera-console-files-'));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await browser?.close();
  await server?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

describe('console: buckets', () => {
  it('signs in with keys and shows the empty state, which says how to create a bucket', async () => {
    await page.goto(consoleUrl);
    await page.getByLabel('Access key').waitFor();
    await screenshot(page, 'signin');
    await signInWithKeys(page, consoleUrl, ROOT_USER, ROOT_PASSWORD);
    await expect.poll(() => new URL(page.url()).hash).toBe('#/buckets');
    await page.getByText('No buckets yet').waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Create bucket');
  });

  it('create dialog: the name is checked as S3 checks it, versioning on; Escape closes it', async () => {
    await page.getByRole('button', { name: 'Create bucket' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create bucket' });
    await dialog.getByLabel('Bucket name').fill('Bad_Name');
    await dialog.getByText('Use only lower-case letters').waitFor();
    expect(await dialog.getByRole('button', { name: 'Create', exact: true }).isDisabled()).toBe(true);
    await dialog.getByLabel('Bucket name').fill('10.0.0.1');
    await dialog.getByText('may not look like an IP address').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // Keyboard only: Tab to the button, Enter opens the dialog, Enter in the field submits.
    await page.locator('body').click({ position: { x: 600, y: 700 } });
    let focused = '';
    for (let i = 0; i < 30 && focused !== 'Create bucket'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''");
    }
    expect(focused).toBe('Create bucket');
    await page.keyboard.press('Enter');
    await dialog.getByLabel('Bucket name').fill(BUCKET);
    await dialog.getByLabel(/Versioning \(keep/).check();
    await dialog.getByLabel('Bucket name').press('Enter');
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/browse/${BUCKET}`);
    await page.getByText('This bucket is empty').waitFor();
    const v = await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }));
    expect(v.Status).toBe('Enabled');
    await go('/buckets');
    await row(BUCKET).waitFor();
    await screenshot(page, 'buckets');
  });

  it('object lock at creation (x-amz-bucket-object-lock-enabled), then a default retention in settings', async () => {
    await page.getByRole('button', { name: 'Create bucket' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create bucket' });
    await dialog.getByLabel('Bucket name').fill('console-locked');
    await dialog.getByLabel(/Object lock \(write-once/).check();
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByText('This bucket is empty').waitFor();
    const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'console-locked' }));
    expect(lock.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled');
    await go('/buckets/console-locked');
    const section = page.getByRole('region', { name: 'Object lock' });
    await section.getByLabel('Default retention').check();
    await section.getByLabel('Mode').selectOption('GOVERNANCE');
    await section.getByLabel('Retention period').fill('3');
    await section.getByRole('button', { name: 'Save object lock' }).click();
    await section.getByText('Object lock saved.').waitFor();
    const after = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'console-locked' }));
    expect(after.ObjectLockConfiguration?.Rule?.DefaultRetention).toMatchObject({
      Mode: 'GOVERNANCE',
      Days: 3,
    });
  });
});

describe('console: object browser', () => {
  const big = randomBytes(20 * MiB);
  const note1 = Buffer.from('first version of the note\n');
  const note2 = Buffer.from('second version of the note, longer\n');

  it('creates a folder and uploads a 20 MiB file by multipart with progress reaching 100 %', async () => {
    await go(`/browse/${BUCKET}`);
    await page.getByRole('button', { name: 'Create folder' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create folder' });
    await dialog.getByLabel('Folder name').fill('reports');
    await dialog.getByRole('button', { name: 'Create folder' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/browse/${BUCKET}/reports`);
    await page.getByText('This folder is empty').waitFor();
    // Every value the progress bars take, recorded by the page as it renders them.
    await page.evaluate(RECORD_PROGRESS);
    await page.getByLabel('Upload files').setInputFiles([file('big.bin', big), file('note.txt', note1)]);
    const upload = page.locator('[data-key="reports/big.bin"]');
    await upload.getByText('Done').waitFor({ timeout: 60_000 });
    await page.locator('[data-key="reports/note.txt"]').getByText('Done').waitFor();
    const seen = (await page.evaluate<string[]>('window.progressSeen')).map(Number);
    expect(
      seen.some((v) => v > 0 && v < 100),
      `values: ${seen.join(',')}`,
    ).toBe(true);
    expect(seen.at(-1)).toBe(100);
    expect(await upload.locator('progress').getAttribute('value')).toBe('100');
    expect(await upload.locator('.upload-percent').textContent()).toBe('100 %');
    await screenshot(page, 'object-browser-upload');
    // Multipart: 8 MiB parts, so the ETag says 3 parts; and no upload is left open.
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'reports/big.bin' }));
    expect(head.ContentLength).toBe(20 * MiB);
    expect(head.ETag).toMatch(/-3"$/);
    const open = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    expect(open.Uploads ?? []).toEqual([]);
    await objectRow('big.bin').waitFor();
  });

  it('cancelling a multipart upload aborts it: no object, no open upload, the code shown', async () => {
    // A slow uplink (Chromium's network emulation), so that the upload is still going when cancelled.
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 2 * MiB,
    });
    const item = page.locator('[data-key="reports/cancelled.bin"]');
    try {
      await page.getByLabel('Upload files').setInputFiles([file('cancelled.bin', randomBytes(20 * MiB))]);
      await expect
        .poll(async () => Number(await item.locator('progress').getAttribute('value')))
        .toBeGreaterThan(0);
      await item.getByRole('button', { name: 'Cancel' }).click();
      await item.getByText('Failed').waitFor();
      expect(await item.locator('.error-code').textContent()).toBe('Aborted');
    } finally {
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await cdp.detach();
    }
    await expect
      .poll(async () => (await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? [])
      .toEqual([]);
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'reports/cancelled.bin' })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await item.waitFor({ state: 'detached' });
  });

  it('browses by folder and breadcrumbs, and downloads the file with the same bytes', async () => {
    await go(`/browse/${BUCKET}`);
    await page.getByRole('link', { name: 'reports/' }).click();
    await objectRow('big.bin').waitFor();
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumbs' });
    expect(await crumbs.textContent()).toMatch(/Buckets\s*\/\s*console-data\s*\/\s*reports/);
    await screenshot(page, 'object-browser');
    const bytes = await downloadBytes(objectRow('big.bin').getByRole('link', { name: 'Download' }));
    expect(bytes.length).toBe(big.length);
    expect(sha(bytes)).toBe(sha(big));
    await crumbs.getByRole('link', { name: BUCKET }).click();
    await page.getByRole('link', { name: 'reports/' }).waitFor();
  });

  it('pages through a folder with continuation tokens', async () => {
    for (let i = 0; i < 12; i++)
      await s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: `many/item-${String(i).padStart(2, '0')}`, Body: 'x' }),
      );
    await go(`/browse/${BUCKET}/many`);
    await page.getByLabel('Per page').selectOption('10');
    await objectRow('item-09').waitFor();
    // The page of the earlier size may still be on screen for a moment: wait for the new one.
    const items = page.getByRole('button', { name: /^item-/ });
    await expect.poll(() => items.count()).toBe(10);
    await page.getByRole('button', { name: 'Next page' }).click();
    await objectRow('item-11').waitFor();
    await expect.poll(() => items.count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await objectRow('item-00').waitFor();
  });

  it('versions: lists both versions of an overwritten object, downloads the old one, deletes it', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'reports/note.txt', Body: note2 }));
    await go(`/browse/${BUCKET}/reports`);
    await objectRow('note.txt').getByRole('button', { name: 'Versions' }).click();
    const dialog = page.getByRole('dialog', { name: 'Versions of note.txt' });
    const rows = dialog.getByRole('row');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.nth(1).textContent()).toContain('latest');
    expect(await rows.nth(2).textContent()).not.toContain('latest');
    await screenshot(page, 'object-versions');
    const old = await downloadBytes(rows.nth(2).getByRole('link', { name: 'Download' }));
    expect(old.toString()).toBe(note1.toString());
    await rows.nth(2).getByRole('button', { name: 'Delete' }).click();
    await rows.nth(2).getByRole('button', { name: 'Delete for good' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    const versions = await s3.send(
      new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'reports/note.txt' }),
    );
    expect(versions.Versions?.length).toBe(1);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('tags: adds two tags and saves them (PutObjectTagging)', async () => {
    await objectRow('note.txt').getByRole('button', { name: 'Tags' }).click();
    const dialog = page.getByRole('dialog', { name: 'Object tags' });
    await dialog.getByText('No tags yet').waitFor();
    await dialog.getByRole('button', { name: 'Add tag' }).click();
    await dialog.getByLabel('Tag key 1').fill('team');
    await dialog.getByLabel('Tag value 1').fill('storage');
    await dialog.getByRole('button', { name: 'Add tag' }).click();
    await dialog.getByLabel('Tag key 2').fill('class');
    await dialog.getByLabel('Tag value 2').fill('a & b <c>');
    await dialog.getByRole('button', { name: 'Save tags' }).click();
    await dialog.getByText('Tags saved.').waitFor();
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 'reports/note.txt' }));
    expect(tags.TagSet).toEqual([
      { Key: 'team', Value: 'storage' },
      { Key: 'class', Value: 'a & b <c>' },
    ]);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('share: a presigned link with the chosen expiry, fetched without cookies, gives the bytes', async () => {
    await objectRow('big.bin').getByRole('button', { name: 'Share' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share object' });
    await dialog.getByLabel('Link expires after').selectOption({ label: '1 hour' });
    const before = Date.now();
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const input = dialog.getByLabel('Shared link');
    await input.waitFor();
    const url = await input.inputValue();
    expect(url).toMatch(/X-Amz-Expires=3600&/);
    expect(url).not.toContain('/api/v1/');
    const expires = Date.parse((await dialog.locator('time').getAttribute('datetime'))!);
    expect(expires).toBeGreaterThanOrEqual(before + 3599_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3601_000);
    expect(await dialog.textContent()).not.toContain('shortened');
    // Seven days is longer than the 12-hour session: the link ends with the session, and says so.
    await dialog.getByLabel('Link expires after').selectOption({ label: '7 days' });
    await dialog.getByRole('button', { name: 'Create link' }).click();
    await dialog.getByText('shortened: your session ends then').waitFor();
    const week = await input.inputValue();
    expect(Number(/X-Amz-Expires=(\d+)/.exec(week)?.[1])).toBeLessThanOrEqual(12 * 3600);
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: consoleUrl });
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    await dialog.getByText('copied').waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(week);
    await screenshot(page, 'object-share');
    const res = await fetch(url);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.status).toBe(200);
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(big));
    await page.keyboard.press('Escape');
  });

  it('details: size, type, ETag and the user metadata from HEAD', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'reports/meta.json',
        Body: '{}',
        ContentType: 'application/json',
        Metadata: { color: 'blue' },
      }),
    );
    await page.getByRole('button', { name: 'Refresh' }).click();
    await objectRow('meta.json').getByRole('button', { name: 'meta.json' }).click();
    const dialog = page.getByRole('dialog', { name: 'Object details' });
    await dialog.getByText('Metadata: color').waitFor();
    const text = await dialog.textContent();
    expect(text).toContain('application/json');
    expect(text).toContain('2 B (2 bytes)');
    expect(text).toContain('blue');
    expect(text).toMatch(/ETag"[0-9a-f]{32}"/);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });
});

describe('console: bucket settings', () => {
  it('versioning, lifecycle, policy validation and save, CORS, public access block', async () => {
    await go(`/buckets/${BUCKET}`);
    const region = (name: string) => page.getByRole('region', { name });
    await region('Object lock').getByText('can only be turned on when a bucket is created').waitFor();
    await screenshot(page, 'bucket-settings');

    await region('Versioning').getByLabel('Suspended').check();
    await region('Versioning').getByRole('button', { name: 'Save versioning' }).click();
    await region('Versioning').getByText('Versioning saved.').waitFor();
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).toBe('Suspended');

    const lc = region('Lifecycle');
    await lc.getByRole('button', { name: 'Add rule' }).click();
    await lc.getByLabel('Prefix').fill('logs/');
    await lc.getByLabel('Expire objects after (days)').fill('7');
    await lc.getByLabel('Abort incomplete multipart uploads after (days)').fill('2');
    await lc.getByRole('button', { name: 'Save lifecycle' }).click();
    await lc.getByText('Lifecycle rules saved.').waitFor();
    const rules = (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }))).Rules;
    expect(rules).toHaveLength(1);
    expect(rules![0]).toMatchObject({
      Status: 'Enabled',
      Expiration: { Days: 7 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
    });
    expect(JSON.stringify(rules![0]!.Filter)).toContain('logs/');

    const policy = region('Bucket policy');
    const bad = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allowed', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
      ],
    };
    await policy.getByLabel('Policy document (JSON)').fill(JSON.stringify(bad, null, 2));
    await policy.getByRole('button', { name: 'Validate' }).click();
    const errors = policy.getByRole('list', { name: 'Policy errors' });
    await errors.waitFor();
    expect(await errors.textContent()).toMatch(/Statement.*0.*Effect/);
    await policy.getByRole('button', { name: 'Save policy' }).click();
    await policy.locator('.error-code').getByText('MalformedPolicy').waitFor();
    const good = { ...bad, Statement: [{ ...bad.Statement[0], Effect: 'Allow' }] };
    await policy.getByLabel('Policy document (JSON)').fill(JSON.stringify(good, null, 2));
    await policy.getByRole('button', { name: 'Validate' }).click();
    await policy.getByText('The policy is valid.').waitFor();
    await policy.getByRole('button', { name: 'Save policy' }).click();
    await policy.getByText('Bucket policy saved.').waitFor();
    const saved = await s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }));
    expect(JSON.parse(saved.Policy!).Statement[0].Effect).toBe('Allow');

    const cors = region('CORS');
    await cors.getByRole('button', { name: 'Start from an example' }).click();
    await cors.getByRole('button', { name: 'Save CORS' }).click();
    await cors.getByText('CORS saved.').waitFor();
    const corsRules = (await s3.send(new GetBucketCorsCommand({ Bucket: BUCKET }))).CORSRules;
    expect(corsRules?.[0]?.AllowedOrigins).toEqual(['https://app.example.com']);
    await cors.getByLabel('CORS configuration (XML)').fill('<CORSConfiguration><CORSRule>');
    await cors.getByRole('button', { name: 'Save CORS' }).click();
    await cors.locator('.error-code').getByText('MalformedXML').waitFor();

    const pab = region('Public access block');
    await pab.getByLabel('Block public ACLs').check();
    await pab.getByLabel('Restrict public buckets').check();
    await pab.getByRole('button', { name: 'Save public access block' }).click();
    await pab.getByText('Public access block saved.').waitFor();
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: BUCKET }));
    expect(block.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: true,
    });
  });
});

describe('console: delete', () => {
  it('a non-empty bucket shows BucketNotEmpty; objects deleted from the browser; then the bucket goes', async () => {
    await go('/buckets');
    await page.getByRole('button', { name: 'Create bucket' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create bucket' });
    await dialog.getByLabel('Bucket name').fill('console-tmp');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByText('This bucket is empty').waitFor();
    await page.getByLabel('Upload files').setInputFiles([
      { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('a') },
      { name: 'b.txt', mimeType: 'text/plain', buffer: Buffer.from('b') },
    ]);
    await objectRow('a.txt').waitFor();
    await objectRow('b.txt').waitFor();
    await go('/buckets');
    await row('console-tmp').getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete bucket' });
    await confirm.getByRole('button', { name: 'Delete bucket' }).click();
    await confirm.locator('.error-code').getByText('BucketNotEmpty').waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();

    await go('/browse/console-tmp');
    await page.getByLabel('Select a.txt').check();
    await page.getByLabel('Select b.txt').check();
    await page.getByRole('button', { name: 'Delete selected (2)' }).click();
    await page.getByRole('dialog', { name: 'Delete' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('This bucket is empty').waitFor();

    await go('/buckets');
    await row('console-tmp').getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete bucket' })
      .getByRole('button', { name: 'Delete bucket' })
      .click();
    await row('console-tmp').waitFor({ state: 'detached' });
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'console-tmp' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });
});

describe('console: a principal with less', () => {
  it('a read-only user browses and downloads, and sees AccessDenied beside a refused upload or delete', async () => {
    const iam = new IAMClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
    });
    await iam.send(new CreateUserCommand({ UserName: 'viewer' }));
    const viewer = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 's3:ListBucket'], Resource: '*' },
        { Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${BUCKET}/*` },
      ],
    };
    const created = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'console-viewer', PolicyDocument: JSON.stringify(viewer) }),
    );
    await iam.send(new AttachUserPolicyCommand({ UserName: 'viewer', PolicyArn: created.Policy!.Arn! }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'viewer' }))).AccessKey!;
    iam.destroy();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithKeys(page, consoleUrl, key.AccessKeyId!, key.SecretAccessKey!);
    await go(`/browse/${BUCKET}/reports`);
    await objectRow('note.txt').waitFor();
    const bytes = await downloadBytes(objectRow('note.txt').getByRole('link', { name: 'Download' }));
    expect(bytes.toString()).toBe('second version of the note, longer\n');
    await page
      .getByLabel('Upload files')
      .setInputFiles([file('denied.txt', Buffer.from('no')), file('denied.bin', randomBytes(17 * MiB))]);
    for (const k of ['reports/denied.txt', 'reports/denied.bin']) {
      const item = page.locator(`[data-key="${k}"]`);
      await item.getByText('Failed').waitFor();
      expect(await item.locator('.error-code').textContent()).toBe('AccessDenied');
    }
    await objectRow('note.txt').getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.locator('.error-code').getByText('AccessDenied').waitFor();
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'reports/note.txt' })),
    ).resolves.toBeDefined();
    // Settings it may not read say so, with the code, section by section.
    await go(`/buckets/${BUCKET}`);
    const versioning = page.getByRole('region', { name: 'Versioning' });
    await versioning.locator('.error-code').getByText('AccessDenied').waitFor();
    // No form of made-up defaults: the error and Retry only.
    expect(await versioning.getByRole('button', { name: 'Save versioning' }).count()).toBe(0);
    expect(await versioning.getByRole('button', { name: 'Retry' }).count()).toBe(1);
    await screenshot(page, 'bucket-settings-denied');
  });
});
