import { afterEach, beforeEach } from 'vitest';
import type { IamGroupRecord, IamServiceAccountRecord, IamUserRecord } from '../iam/types.js';

/** What a contract suite's `open` returns: a fresh, empty store with the ports the suite uses; the suite closes it. */
export type Closable = { close(): Promise<void> };
export type OpenStore<S> = () => Promise<S & Closable>;

/** Opens a fresh store before each test and closes it after; returns the current one. */
export function useStore<S>(open: OpenStore<S>): () => S {
  let store: (S & Closable) | undefined;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return () => store!;
}

/** Record builders for the IAM contract suites. */
export function user(name: string, account = ''): IamUserRecord {
  return {
    account,
    name,
    id: `AIDA${name.toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
    accessKey: account === '' ? name : `${account}-${name}`,
    secretCiphertext: `ct:${name}`,
    status: 'enabled',
    tags: [],
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
  };
}

export function group(name: string, account = ''): IamGroupRecord {
  return { account, name, id: `AGPA${name}`, status: 'enabled', createdAt: 1, updatedAt: 1 };
}

export function policy(name: string, account = '') {
  return { account, name, id: `ANPA${name}`, createdAt: 1, updatedAt: 1 };
}

export function serviceAccount(accessKey: string, parent: string, account = ''): IamServiceAccountRecord {
  return {
    accessKey,
    account,
    secretCiphertext: `ct:${accessKey}`,
    parentType: parent === '' ? 'root' : 'user',
    parent,
    status: 'enabled',
    createdAt: 1,
    updatedAt: 1,
  };
}

export const doc = (action = 's3:GetObject') =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
