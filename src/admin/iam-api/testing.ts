import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { type ErrorCode, isTesseraError, newRequestId, type Principal } from '../../core/index.js';
import { IamService, parseMasterKey } from '../../iam/index.js';
import { SqliteIamStore } from '../../storage/index.js';
import type { IamApi } from '../types.js';
import { createIamApi } from './api.js';

/**
 * Test support: the IAM API over a real IamService on a SQLite file in a temporary directory,
 * with the responses parsed as XML (`member` elements always arrays).
 */
export const HARNESS_ROOT = { accessKey: 'rootadmin', secretKey: 'rootadmin-secret' };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => name === 'member',
});

// biome-ignore lint/suspicious/noExplicitAny: parsed XML is untyped by nature
export type Xml = any;

export interface IamApiHarness {
  iam: IamService;
  api: IamApi;
  root: Principal;
  /** Calls the API; returns the parsed `<ActionResponse>` element. */
  call(principal: Principal, action: string, params?: Record<string, string>): Promise<Xml>;
  /** Calls and expects a TesseraError; returns its code and message. */
  fail(
    principal: Principal,
    action: string,
    params?: Record<string, string>,
  ): Promise<{ code: ErrorCode; message: string }>;
  /** The principal a user signs as (the user is created with a secret when missing). */
  user(name: string): Promise<Principal>;
  /** The principal of a service account (access key). */
  key(accessKey: string): Promise<Principal>;
  close(): Promise<void>;
}

export function parseIamXml(body: string): Xml {
  return parser.parse(body);
}

export async function openHarness(opts: { defaultAccountId?: string } = {}): Promise<IamApiHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-iam-api-'));
  mkdirSync(join(dir, '.tessera'));
  const store = SqliteIamStore.forDataDir(dir);
  const iam = await IamService.open({
    store,
    masterKey: parseMasterKey(`test-key:${randomBytes(32).toString('base64')}`),
    root: HARNESS_ROOT,
    ...(opts.defaultAccountId === undefined ? {} : { defaultAccountId: opts.defaultAccountId }),
  });
  const api = createIamApi(iam);
  const root = (await iam.lookupCredential(HARNESS_ROOT.accessKey))!.principal;
  const call = async (principal: Principal, action: string, params: Record<string, string> = {}) => {
    const form = new URLSearchParams({ Action: action, Version: '2010-05-08', ...params });
    const res = await api({ principal, params: form, requestId: newRequestId(), context: {} });
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return parseIamXml(res.body)[`${action}Response`];
  };
  const key = async (accessKey: string) => {
    const c = await iam.lookupCredential(accessKey);
    if (c === undefined) throw new Error(`no credential ${accessKey}`);
    return c.principal;
  };
  return {
    iam,
    api,
    root,
    call,
    fail: async (principal, action, params) => {
      try {
        await call(principal, action, params);
      } catch (e) {
        if (isTesseraError(e)) return { code: e.code, message: e.message };
        throw e;
      }
      throw new Error(`${action} succeeded`);
    },
    user: async (name) => {
      const exists = await iam.users.get('', name).catch(() => undefined);
      if (exists === undefined) await iam.users.create('', { name, secretKey: `${name}-secret-0` });
      return key(name);
    },
    key,
    close: async () => {
      iam.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A policy document allowing (or denying) `actions` on `resources`. */
export function doc(
  actions: string | string[],
  resources: string | string[] = '*',
  effect = 'Allow',
): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: effect, Action: actions, Resource: resources }],
  });
}
