import { TesseraError } from '../../core/index.js';
import type { Tag } from '../types.js';
import type { IamOidcProviderRecord, OidcProviderPatch } from './oidc-provider-types.js';
import type { IamDb } from './sqlite-iam-db.js';

const SELECT = 'SELECT * FROM iam_oidc_providers';

interface ProviderRow {
  account: string;
  url: string;
  client_ids: string;
  thumbprints: string;
  tags: string;
  created_at: number;
  updated_at: number;
}

function toProvider(r: ProviderRow): IamOidcProviderRecord {
  return {
    account: r.account,
    url: r.url,
    clientIds: JSON.parse(r.client_ids) as string[],
    thumbprints: JSON.parse(r.thumbprints) as string[],
    tags: JSON.parse(r.tags) as Tag[],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** AWS: "OpenIDConnect Provider not found for arn …" (the url stands for the ARN here). */
function notFound(url: string): TesseraError {
  return new TesseraError('NoSuchEntity', `OpenIDConnect Provider not found for url ${url.slice(0, 300)}`);
}

export function createOidcProvider(d: IamDb, p: IamOidcProviderRecord): void {
  d.write(() => {
    if (d.one(`${SELECT} WHERE account = ? AND url = ?`, p.account, p.url)) {
      throw new TesseraError('EntityAlreadyExists', `Provider with url https://${p.url} already exists.`);
    }
    d.run(
      `INSERT INTO iam_oidc_providers (account, url, client_ids, thumbprints, tags, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      p.account,
      p.url,
      JSON.stringify(p.clientIds),
      JSON.stringify(p.thumbprints),
      JSON.stringify(p.tags),
      p.createdAt,
      p.updatedAt,
    );
  });
}

export function getOidcProvider(d: IamDb, account: string, url: string): IamOidcProviderRecord | undefined {
  const row = d.guard(() => d.one<ProviderRow>(`${SELECT} WHERE account = ? AND url = ?`, account, url));
  return row === undefined ? undefined : toProvider(row);
}

export function listOidcProviders(d: IamDb, account: string): IamOidcProviderRecord[] {
  return d
    .guard(() => d.all<ProviderRow>(`${SELECT} WHERE account = ? ORDER BY url`, account))
    .map(toProvider);
}

export function updateOidcProvider(
  d: IamDb,
  account: string,
  url: string,
  patch: OidcProviderPatch,
  at: number,
): void {
  d.write(() => {
    const row = d.one<ProviderRow>(`${SELECT} WHERE account = ? AND url = ?`, account, url);
    if (row === undefined) throw notFound(url);
    const p = toProvider(row);
    d.run(
      `UPDATE iam_oidc_providers SET client_ids = ?, thumbprints = ?, tags = ?, updated_at = ?
       WHERE account = ? AND url = ?`,
      JSON.stringify(patch.clientIds ?? p.clientIds),
      JSON.stringify(patch.thumbprints ?? p.thumbprints),
      JSON.stringify(patch.tags ?? p.tags),
      at,
      account,
      url,
    );
  });
}

export function deleteOidcProvider(d: IamDb, account: string, url: string): void {
  d.write(() => {
    if (d.run('DELETE FROM iam_oidc_providers WHERE account = ? AND url = ?', account, url) === 0) {
      throw notFound(url);
    }
  });
}
