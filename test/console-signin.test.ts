import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachLdapPolicies } from './helpers/admin-request.js';
import { type Browser, launchBrowser, screenshot, signInWithKeys } from './helpers/browser.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, startServer } from './helpers/server.js';
import { type Slapd, startSlapd, USERS } from './helpers/slapd.js';

/**
 * The console's sign-in page (docs/console.md "Pages") in headless Chromium against the real
 * server and a throwaway slapd: access keys, LDAP, errors with their codes, a failed single
 * sign-on's error, no secret left in the page's storage, and sign-out.
 */
let slapd: Slapd;
let server: RunningServer;
let browser: Browser;
let page: Page;

/** Maps an LDAP user DN to policies through MinIO's admin call (signed and encrypted as madmin-go does). */
async function mapLdapUser(dn: string, policies: string[]): Promise<void> {
  const root = { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD };
  const res = await attachLdapPolicies(server.endpoint, root, 'user', dn, policies);
  expect(res.status, res.body).toBe(200);
}

/** Everything the page keeps in Web Storage, as one string. */
async function webStorage(): Promise<string> {
  return page.evaluate<string>(
    'JSON.stringify({ local: Object.entries(localStorage), session: Object.entries(sessionStorage) })',
  );
}

async function session(): Promise<{ signedIn: boolean; principal?: { name: string; type: string } }> {
  return page.evaluate<{ signedIn: boolean; principal?: { name: string; type: string } }>(
    "fetch('/api/v1/session').then((r) => r.json())",
  );
}

beforeAll(async () => {
  slapd = await startSlapd();
  // Two OpenID providers that are never reached: enough for the sign-in page's buttons.
  const unreachable = 'http://127.0.0.1:9/.well-known/openid-configuration';
  server = await startServer({
    env: {
      ...slapd.env(),
      TESSERA_IDENTITY_OPENID_CONFIG_URL: unreachable,
      TESSERA_IDENTITY_OPENID_CLIENT_ID: 'console',
      TESSERA_IDENTITY_OPENID_DISPLAY_NAME: 'Example SSO',
      TESSERA_IDENTITY_OPENID_CONFIG_URL_CORP: unreachable,
      TESSERA_IDENTITY_OPENID_CLIENT_ID_CORP: 'console-corp',
      TESSERA_IDENTITY_OPENID_DISPLAY_NAME_CORP: 'Corp Login',
    },
  });
  await mapLdapUser(USERS.alice.dn, ['readwrite']);
  browser = await launchBrowser();
  page = browser.page;
  page.setDefaultTimeout(15_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await slapd?.stop();
});

describe('console sign-in', () => {
  it('offers access keys and LDAP; a wrong secret shows the error with its code, and the field is cleared', async () => {
    await page.goto(server.consoleUrl);
    await page.getByRole('heading', { name: 'Sign in to Tessera' }).waitFor();
    await page.getByRole('tab', { name: 'LDAP' }).click();
    await page.getByLabel('Username').waitFor();
    await screenshot(page, 'signin-ldap');
    await page.getByRole('tab', { name: 'Access keys' }).click();
    await page.getByLabel('Access key').fill(ROOT_USER);
    await page.getByLabel('Secret key').fill('not-the-secret');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const error = page.getByRole('alert');
    await error.waitFor();
    const code = await error.locator('.error-code').textContent();
    expect(code).toMatch(/^(SignatureDoesNotMatch|InvalidClientTokenId|AccessDenied|ConsoleSignInFailed)$/);
    expect((await error.locator('.error-message').textContent())?.length).toBeGreaterThan(0);
    expect(await page.getByLabel('Secret key').inputValue()).toBe('');
    expect(await page.getByLabel('Access key').inputValue()).toBe(ROOT_USER);
    expect((await session()).signedIn).toBe(false);
  });

  it('signs in with keys; no secret in localStorage or sessionStorage; sign-out returns to the sign-in page', async () => {
    await signInWithKeys(page, server.consoleUrl, ROOT_USER, ROOT_PASSWORD);
    expect(await page.locator('.whoami').textContent()).toContain(ROOT_USER);
    const me = await session();
    expect(me).toMatchObject({ signedIn: true, principal: { type: 'root' } });
    const stored = await webStorage();
    expect(stored).not.toContain(ROOT_PASSWORD);
    expect(JSON.parse(stored)).toEqual({ local: [], session: [] });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Access key').waitFor();
    expect(await page.getByLabel('Secret key').inputValue()).toBe('');
    expect((await session()).signedIn).toBe(false);
    // The old page cannot act any more: the listing is refused without a session.
    const status = await page.evaluate<number>("fetch('/api/v1/s3/').then((r) => r.status)");
    expect(status).toBe(401);
  });

  it('signs in with LDAP through the page (and a wrong password shows AccessDenied)', async () => {
    await page.goto(server.consoleUrl);
    // Keyboard only: Tab to the LDAP tab, Enter selects it.
    await page.getByRole('tab', { name: 'Access keys' }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.getByRole('tab', { name: 'LDAP' }).getAttribute('aria-selected')).toBe('true');
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill('wrong');
    await page.getByRole('button', { name: 'Sign in with LDAP' }).click();
    await page.getByRole('alert').locator('.error-code').getByText('AccessDenied').waitFor();
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await page.getByLabel('Password', { exact: true }).fill(USERS.alice.password);
    await page.getByRole('button', { name: 'Sign in with LDAP' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.locator('.whoami').textContent()).toContain('alice');
    expect(await session()).toMatchObject({ signedIn: true, principal: { type: 'ldap' } });
    const stored = await webStorage();
    expect(stored).not.toContain(USERS.alice.password);
    expect(JSON.parse(stored)).toEqual({ local: [], session: [] });
    // alice's readwrite policy lets her list buckets: the buckets page answers with its empty state.
    await page.getByText('No buckets yet').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('tab', { name: 'LDAP' }).waitFor();
  });

  it('one button per OpenID provider, each a full-page navigation to its login', async () => {
    await page.goto(server.consoleUrl);
    const buttons = page.getByRole('button', { name: /^Sign in with (?!LDAP)/ });
    await expect
      .poll(() => buttons.allTextContents())
      .toEqual(['Sign in with Example SSO', 'Sign in with Corp Login']);
    for (const [name, id] of [
      ['Sign in with Example SSO', 'default'],
      ['Sign in with Corp Login', 'corp'],
    ] as const) {
      await page.goto(server.consoleUrl);
      const [request] = await Promise.all([
        page.waitForRequest((r) => r.url().includes('/api/v1/login/openid/')),
        page.getByRole('button', { name }).click(),
      ]);
      expect(new URL(request.url()).pathname).toBe(`/api/v1/login/openid/${id}`);
      expect(request.isNavigationRequest()).toBe(true);
    }
  });

  it('shows the error a failed single sign-on came back with (#/signin?error=<code>)', async () => {
    await page.goto(`${server.consoleUrl}/#/signin?error=access_denied`);
    const error = page.getByRole('alert');
    await error.locator('.error-code').getByText('access_denied').waitFor();
    expect(await error.locator('.error-message').textContent()).toBe(
      'The identity provider refused the sign-in.',
    );
    await error.getByRole('button', { name: 'Dismiss' }).click();
    await error.waitFor({ state: 'detached' });
    // Keys still work from there, and the shell leaves the sign-in route.
    await page.getByLabel('Access key').fill(ROOT_USER);
    await page.getByLabel('Secret key').fill(ROOT_PASSWORD);
    await page.getByLabel('Secret key').press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/buckets');
  });
});
