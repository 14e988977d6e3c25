import type { XmlNode } from '../../core/index.js';
import { type IamOidcProvider, normalizeProviderUrl, validateTags } from '../../iam/index.js';
import type { Call, Handler } from './call.js';
import { collection } from './call.js';
import { isoDate, members, tagsXml } from './xml.js';

/**
 * IAM OpenID Connect providers (docs/openid.md "IAM OIDC providers"): named by their ARN
 * `arn:aws:iam::<account>:oidc-provider/<host/path>`, which is also the resource the
 * `iam:*OpenIDConnectProvider*` actions are authorized on. MinIO has no such entity: no admin:
 * equivalents.
 */

/** The provider the `OpenIDConnectProviderArn` parameter names, authorized for `action`; its ARN. */
async function named(call: Call, action: string): Promise<string> {
  const arn = call.params.required('OpenIDConnectProviderArn');
  call.iam.oidcProviders.urlOf(call.account, arn);
  await call.authorize({ action, target: collection(arn), admin: [] });
  return arn;
}

function providerXml(p: IamOidcProvider): XmlNode {
  const node: XmlNode = {
    Url: p.url,
    ClientIDList: members(p.clientIds),
    ThumbprintList: members(p.thumbprints),
    CreateDate: isoDate(p.createdAt),
  };
  if (p.tags.length > 0) node['Tags'] = tagsXml(sortedTags(p.tags));
  return node;
}

function sortedTags(tags: IamOidcProvider['tags']): IamOidcProvider['tags'] {
  return [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const create: Handler = async (call) => {
  const p = call.params;
  const url = normalizeProviderUrl(p.required('Url'));
  const clientIds = p.list('ClientIDList');
  const thumbprints = p.list('ThumbprintList');
  const tags = p.tags();
  await call.authorize({
    action: 'iam:CreateOpenIDConnectProvider',
    target: collection(call.iam.oidcProviders.arn(call.account, url)),
    admin: [],
  });
  const created = await call.iam.oidcProviders.create(call.account, {
    url: p.required('Url'),
    clientIds,
    thumbprints,
    tags,
  });
  return {
    OpenIDConnectProviderArn: created.arn,
    ...(created.tags.length > 0 ? { Tags: tagsXml(created.tags) } : {}),
  };
};

const get: Handler = async (call) => {
  const arn = await named(call, 'iam:GetOpenIDConnectProvider');
  return providerXml(await call.iam.oidcProviders.get(call.account, arn));
};

const list: Handler = async (call) => {
  await call.authorize({
    action: 'iam:ListOpenIDConnectProviders',
    target: collection(call.iam.oidcProviders.arn(call.account, '')),
    admin: [],
  });
  const all = await call.iam.oidcProviders.list(call.account);
  return { OpenIDConnectProviderList: members(all.map((p) => ({ Arn: p.arn }))) };
};

const remove: Handler = async (call) => {
  const arn = await named(call, 'iam:DeleteOpenIDConnectProvider');
  await call.iam.oidcProviders.delete(call.account, arn);
  return undefined;
};

const addClientId: Handler = async (call) => {
  const clientId = call.params.required('ClientID');
  const arn = await named(call, 'iam:AddClientIDToOpenIDConnectProvider');
  await call.iam.oidcProviders.addClientId(call.account, arn, clientId);
  return undefined;
};

const removeClientId: Handler = async (call) => {
  const clientId = call.params.required('ClientID');
  const arn = await named(call, 'iam:RemoveClientIDFromOpenIDConnectProvider');
  await call.iam.oidcProviders.removeClientId(call.account, arn, clientId);
  return undefined;
};

const updateThumbprint: Handler = async (call) => {
  const thumbprints = call.params.list('ThumbprintList');
  if (thumbprints.length === 0) call.params.required('ThumbprintList.member.1');
  const arn = await named(call, 'iam:UpdateOpenIDConnectProviderThumbprint');
  await call.iam.oidcProviders.updateThumbprints(call.account, arn, thumbprints);
  return undefined;
};

const tag: Handler = async (call) => {
  const tags = call.params.tags();
  if (tags.length === 0) call.params.required('Tags.member.1.Key');
  validateTags(tags);
  const arn = await named(call, 'iam:TagOpenIDConnectProvider');
  await call.iam.oidcProviders.tag(call.account, arn, tags);
  return undefined;
};

const untag: Handler = async (call) => {
  const keys = call.params.list('TagKeys');
  if (keys.length === 0) call.params.required('TagKeys.member.1');
  const arn = await named(call, 'iam:UntagOpenIDConnectProvider');
  await call.iam.oidcProviders.untag(call.account, arn, keys);
  return undefined;
};

const listTags: Handler = async (call) => {
  const arn = await named(call, 'iam:ListOpenIDConnectProviderTags');
  const found = await call.iam.oidcProviders.get(call.account, arn);
  return { Tags: tagsXml(sortedTags(found.tags)), IsTruncated: false };
};

export const oidcProviderHandlers: Record<string, Handler> = {
  CreateOpenIDConnectProvider: create,
  GetOpenIDConnectProvider: get,
  ListOpenIDConnectProviders: list,
  DeleteOpenIDConnectProvider: remove,
  AddClientIDToOpenIDConnectProvider: addClientId,
  RemoveClientIDFromOpenIDConnectProvider: removeClientId,
  UpdateOpenIDConnectProviderThumbprint: updateThumbprint,
  TagOpenIDConnectProvider: tag,
  UntagOpenIDConnectProvider: untag,
  ListOpenIDConnectProviderTags: listTags,
};
