import { TesseraError } from '../../core/index.js';
import type { Tag } from '../types.js';
import type { IamOidcProviderRecord, OidcProviderPatch } from './oidc-provider-types.js';
import type { PgIamDb } from './pg-iam-db.js';

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

export function createOidcProvider(d: PgIamDb, p: IamOidcProviderRecord): Promise<void> {
  return d.write(async (tx) => {
    if (await tx.one(`${SELECT} WHERE account = $1 AND url = $2`, p.account, p.url)) {
      throw new TesseraError('EntityAlreadyExists', `Provider with url https://${p.url} already exists.`);
    }
    await tx.run(
      `INSERT INTO iam_oidc_providers (account, url, client_ids, thumbprints, tags, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
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

export async function getOidcProvider(
  d: PgIamDb,
  account: string,
  url: string,
): Promise<IamOidcProviderRecord | undefined> {
  const row = await d.one<ProviderRow>(`${SELECT} WHERE account = $1 AND url = $2`, account, url);
  return row === undefined ? undefined : toProvider(row);
}

export async function listOidcProviders(d: PgIamDb, account: string): Promise<IamOidcProviderRecord[]> {
  return (await d.all<ProviderRow>(`${SELECT} WHERE account = $1 ORDER BY url`, account)).map(toProvider);
}

export function updateOidcProvider(
  d: PgIamDb,
  account: string,
  url: string,
  patch: OidcProviderPatch,
  at: number,
): Promise<void> {
  return d.write(async (tx) => {
    const row = await tx.one<ProviderRow>(`${SELECT} WHERE account = $1 AND url = $2`, account, url);
    if (row === undefined) throw notFound(url);
    const p = toProvider(row);
    await tx.run(
      `UPDATE iam_oidc_providers SET client_ids = $1, thumbprints = $2, tags = $3, updated_at = $4
       WHERE account = $5 AND url = $6`,
      JSON.stringify(patch.clientIds ?? p.clientIds),
      JSON.stringify(patch.thumbprints ?? p.thumbprints),
      JSON.stringify(patch.tags ?? p.tags),
      at,
      account,
      url,
    );
  });
}

export function deleteOidcProvider(d: PgIamDb, account: string, url: string): Promise<void> {
  return d.write(async (tx) => {
    if (
      (await tx.run('DELETE FROM iam_oidc_providers WHERE account = $1 AND url = $2', account, url)) === 0
    ) {
      throw notFound(url);
    }
  });
}
