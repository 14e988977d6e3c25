import { TesseraError } from '../core/index.js';
import type { IamOidcProviderRecord, OidcProviderPatch, Tag } from '../storage/index.js';
import type { DirectoryContext } from './context.js';
import { validateTags } from './names.js';

/** An IAM OpenID Connect provider as the directory shows it. */
export interface IamOidcProvider {
  account: string;
  /** The issuer without `https://` (`token.actions.githubusercontent.com`, `idp.example.com/realms/x`). */
  url: string;
  /** `arn:aws:iam::<account>:oidc-provider/<url>`. */
  arn: string;
  clientIds: string[];
  thumbprints: string[];
  tags: Tag[];
  createdAt: number;
}

export interface CreateOidcProviderInput {
  url: string;
  clientIds?: string[];
  thumbprints?: string[];
  tags?: Tag[];
}

/** AWS quotas: 100 client ids and 5 thumbprints per provider, a URL of at most 255 characters. */
export const OIDC_PROVIDER_LIMITS = { clientIds: 100, thumbprints: 5, url: 255, clientId: 255 } as const;

function invalid(message: string): TesseraError {
  return new TesseraError('InvalidInput', message);
}

/**
 * The provider Url as stored and as its ARN shows it: `https://` (required, as AWS), then the
 * host (lower-cased; a port is accepted) and an optional path, without query, fragment or a
 * trailing slash.
 */
export function normalizeProviderUrl(raw: string): string {
  if (raw.length === 0 || raw.length > OIDC_PROVIDER_LIMITS.url) {
    throw new TesseraError(
      'ValidationError',
      `1 validation error detected: Value at 'url' failed to satisfy constraint: Member must have length between 1 and ${OIDC_PROVIDER_LIMITS.url}`,
    );
  }
  const m = /^https:\/\/([^/?#\s]+)(\/[^?#\s]*)?$/i.exec(raw);
  if (m === null || !/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(m[1]!)) {
    throw invalid(
      'Invalid Open ID Connect Provider URL: it must be https://<host>[/<path>] without query or fragment.',
    );
  }
  return `${m[1]!.toLowerCase()}${(m[2] ?? '').replace(/\/+$/, '')}`;
}

function checkClientIds(ids: readonly string[]): string[] {
  for (const id of ids) {
    if (id.length < 1 || id.length > OIDC_PROVIDER_LIMITS.clientId) {
      throw new TesseraError(
        'ValidationError',
        `1 validation error detected: Value '${id.slice(0, 80)}' at 'clientIDList' failed to satisfy constraint: Member must have length between 1 and 255`,
      );
    }
  }
  const unique = [...new Set(ids)];
  if (unique.length > OIDC_PROVIDER_LIMITS.clientIds) {
    throw new TesseraError(
      'LimitExceeded',
      `Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${OIDC_PROVIDER_LIMITS.clientIds}`,
    );
  }
  return unique;
}

function checkThumbprints(list: readonly string[]): string[] {
  for (const t of list) {
    if (!/^[0-9A-Fa-f]{40}$/.test(t)) {
      throw new TesseraError(
        'ValidationError',
        `1 validation error detected: Value '${t.slice(0, 80)}' at 'thumbprintList' failed to satisfy constraint: Member must have length 40 (hexadecimal digits)`,
      );
    }
  }
  if (list.length > OIDC_PROVIDER_LIMITS.thumbprints) {
    throw new TesseraError(
      'LimitExceeded',
      `Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: ${OIDC_PROVIDER_LIMITS.thumbprints}`,
    );
  }
  return [...list];
}

/** IAM OIDC providers (CreateOpenIDConnectProvider …): AWS IAM semantics, named by ARN. */
export class OidcProviderDirectory {
  constructor(private readonly c: DirectoryContext) {}

  arn(account: string, url: string): string {
    return `arn:aws:iam::${this.c.arns.accountId(account)}:oidc-provider/${url}`;
  }

  /**
   * The stored url an OpenIDConnectProviderArn names in `account`; InvalidInput when it is not
   * such an ARN, NoSuchEntity (AWS's wording) when it names another account.
   */
  urlOf(account: string, arn: string): string {
    const m = /^arn:aws:iam::([^:]*):oidc-provider\/(.+)$/.exec(arn);
    if (m === null || arn.length > 2048) {
      throw invalid(`ARN ${JSON.stringify(arn.slice(0, 200))} is not valid.`);
    }
    if (this.c.arns.accountOf(m[1]!) !== account) throw notFound(arn);
    return m[2]!;
  }

  view(r: IamOidcProviderRecord): IamOidcProvider {
    return {
      account: r.account,
      url: r.url,
      arn: this.arn(r.account, r.url),
      clientIds: r.clientIds,
      thumbprints: r.thumbprints,
      tags: r.tags,
      createdAt: r.createdAt,
    };
  }

  async create(account: string, input: CreateOidcProviderInput): Promise<IamOidcProvider> {
    const url = normalizeProviderUrl(input.url);
    const tags = input.tags ?? [];
    validateTags(tags);
    if (tags.length > 50) throw new TesseraError('LimitExceeded', 'A provider can have at most 50 tags.');
    const now = this.c.clock.now();
    const record: IamOidcProviderRecord = {
      account,
      url,
      clientIds: checkClientIds(input.clientIds ?? []),
      thumbprints: checkThumbprints(input.thumbprints ?? []),
      tags: tags.map((t) => ({ key: t.key, value: t.value })),
      createdAt: now,
      updatedAt: now,
    };
    await this.c.store.createOidcProvider(record);
    return this.view(record);
  }

  /** The provider an ARN names; NoSuchEntity when missing. */
  async get(account: string, arn: string): Promise<IamOidcProvider> {
    const found = await this.c.store.getOidcProvider(account, this.urlOf(account, arn));
    if (found === undefined) throw notFound(arn);
    return this.view(found);
  }

  /** The provider of an issuer (`https://<url>`), or undefined: what STS looks tokens' issuers up by. */
  async forIssuer(account: string, issuer: string): Promise<IamOidcProvider | undefined> {
    let url: string;
    try {
      url = normalizeProviderUrl(issuer);
    } catch {
      return undefined;
    }
    const found = await this.c.store.getOidcProvider(account, url);
    return found === undefined ? undefined : this.view(found);
  }

  async list(account: string): Promise<IamOidcProvider[]> {
    return (await this.c.store.listOidcProviders(account)).map((r) => this.view(r));
  }

  async delete(account: string, arn: string): Promise<void> {
    const url = this.urlOf(account, arn);
    try {
      await this.c.store.deleteOidcProvider(account, url);
    } catch (e) {
      throw rewordNotFound(e, arn);
    }
  }

  /** AddClientIDToOpenIDConnectProvider: idempotent, as AWS. */
  async addClientId(account: string, arn: string, clientId: string): Promise<void> {
    const p = await this.get(account, arn);
    await this.#patch(p, { clientIds: checkClientIds([...p.clientIds, clientId]) });
  }

  /** RemoveClientIDFromOpenIDConnectProvider: removing an id that is not there succeeds, as AWS. */
  async removeClientId(account: string, arn: string, clientId: string): Promise<void> {
    checkClientIds([clientId]);
    const p = await this.get(account, arn);
    await this.#patch(p, { clientIds: p.clientIds.filter((c) => c !== clientId) });
  }

  /** UpdateOpenIDConnectProviderThumbprint: replaces the list. */
  async updateThumbprints(account: string, arn: string, thumbprints: string[]): Promise<void> {
    const p = await this.get(account, arn);
    await this.#patch(p, { thumbprints: checkThumbprints(thumbprints) });
  }

  /** TagOpenIDConnectProvider: adds or replaces (keys compared case-insensitively), at most 50. */
  async tag(account: string, arn: string, tags: Tag[]): Promise<void> {
    validateTags(tags);
    const p = await this.get(account, arn);
    const merged = new Map(p.tags.map((t) => [t.key.toLowerCase(), t]));
    for (const t of tags) merged.set(t.key.toLowerCase(), { key: t.key, value: t.value });
    if (merged.size > 50) throw new TesseraError('LimitExceeded', 'A provider can have at most 50 tags.');
    await this.#patch(p, { tags: [...merged.values()] });
  }

  async untag(account: string, arn: string, keys: string[]): Promise<void> {
    const p = await this.get(account, arn);
    const drop = new Set(keys.map((k) => k.toLowerCase()));
    await this.#patch(p, { tags: p.tags.filter((t) => !drop.has(t.key.toLowerCase())) });
  }

  async #patch(p: IamOidcProvider, patch: OidcProviderPatch): Promise<void> {
    try {
      await this.c.store.updateOidcProvider(p.account, p.url, patch, this.c.clock.now());
    } catch (e) {
      throw rewordNotFound(e, p.arn);
    }
  }
}

function notFound(arn: string): TesseraError {
  return new TesseraError('NoSuchEntity', `OpenIDConnect Provider not found for arn ${arn.slice(0, 300)}`);
}

function rewordNotFound(e: unknown, arn: string): unknown {
  return e instanceof TesseraError && e.code === 'NoSuchEntity' ? notFound(arn) : e;
}
