import type { IamGroupRecord, IamServiceAccountRecord, IamUserRecord } from '../iam/types.js';

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
