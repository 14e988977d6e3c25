import { TesseraError } from '../../core/index.js';
import type { LdapDirectories } from '../../idp/index.js';
import { infoAccessKey, listAccessKeysBulk } from './access-keys.js';
import { accountInfo } from './account-info.js';
import { type CallEnv, type Handler, newCall } from './call.js';
import { getGroup, listGroups, setGroupStatus, updateGroupMembers } from './groups.js';
import { exportIam } from './iam-export.js';
import { importIam, importIamV2 } from './iam-import.js';
import { idpConfig } from './idp-config.js';
import { addServiceAccountLdap } from './ldap-service-accounts.js';
import {
  addCannedPolicy,
  attachPolicy,
  detachPolicy,
  infoCannedPolicy,
  listCannedPolicies,
  policyEntities,
  removeCannedPolicy,
  setUserOrGroupPolicy,
} from './policies.js';
import { revokeTokens } from './revoke-tokens.js';
import { revokeTokensIdp } from './revoke-tokens-idp.js';
import { serverInfo } from './server-info.js';
import {
  addServiceAccount,
  deleteServiceAccount,
  infoServiceAccount,
  listServiceAccounts,
  updateServiceAccount,
} from './service-accounts.js';
import { temporaryAccountInfo } from './temporary-account.js';
import type { MinioAdminApi } from './types.js';
import { addUser, getUserInfo, listUsers, removeUser, setUserStatus } from './users.js';

interface Route {
  readonly method: string;
  /** MinIO's handler name, the audit entry's operation. */
  readonly operation: string;
  readonly handler: Handler;
}

/** MinIO's admin routes (cmd/admin-router.go) that Tessera serves, by path below `/minio/admin/v3|v4/`. */
export const minioAdminRoutes: Readonly<Record<string, Route>> = {
  info: { method: 'GET', operation: 'ServerInfo', handler: serverInfo },
  accountinfo: { method: 'GET', operation: 'AccountInfo', handler: accountInfo },
  'export-iam': { method: 'GET', operation: 'ExportIAM', handler: exportIam },
  'import-iam': { method: 'PUT', operation: 'ImportIAM', handler: importIam },
  'import-iam-v2': { method: 'PUT', operation: 'ImportIAMV2', handler: importIamV2 },
  'add-user': { method: 'PUT', operation: 'AddUser', handler: addUser },
  'remove-user': { method: 'DELETE', operation: 'RemoveUser', handler: removeUser },
  'list-users': { method: 'GET', operation: 'ListUsers', handler: listUsers },
  'user-info': { method: 'GET', operation: 'GetUserInfo', handler: getUserInfo },
  'set-user-status': { method: 'PUT', operation: 'SetUserStatus', handler: setUserStatus },
  'update-group-members': { method: 'PUT', operation: 'UpdateGroupMembers', handler: updateGroupMembers },
  group: { method: 'GET', operation: 'GetGroup', handler: getGroup },
  groups: { method: 'GET', operation: 'ListGroups', handler: listGroups },
  'set-group-status': { method: 'PUT', operation: 'SetGroupStatus', handler: setGroupStatus },
  'add-canned-policy': { method: 'PUT', operation: 'AddCannedPolicy', handler: addCannedPolicy },
  'info-canned-policy': { method: 'GET', operation: 'InfoCannedPolicy', handler: infoCannedPolicy },
  'list-canned-policies': { method: 'GET', operation: 'ListCannedPolicies', handler: listCannedPolicies },
  'remove-canned-policy': { method: 'DELETE', operation: 'RemoveCannedPolicy', handler: removeCannedPolicy },
  'set-user-or-group-policy': {
    method: 'PUT',
    operation: 'SetPolicyForUserOrGroup',
    handler: setUserOrGroupPolicy,
  },
  'idp/builtin/policy/attach': { method: 'POST', operation: 'AttachPolicyBuiltin', handler: attachPolicy },
  'idp/builtin/policy/detach': { method: 'POST', operation: 'DetachPolicyBuiltin', handler: detachPolicy },
  'idp/builtin/policy-entities': {
    method: 'GET',
    operation: 'ListPolicyMappingEntities',
    handler: policyEntities,
  },
  'add-service-account': { method: 'PUT', operation: 'AddServiceAccount', handler: addServiceAccount },
  'update-service-account': {
    method: 'POST',
    operation: 'UpdateServiceAccount',
    handler: updateServiceAccount,
  },
  'info-service-account': { method: 'GET', operation: 'InfoServiceAccount', handler: infoServiceAccount },
  'list-service-accounts': { method: 'GET', operation: 'ListServiceAccounts', handler: listServiceAccounts },
  'delete-service-account': {
    method: 'DELETE',
    operation: 'DeleteServiceAccount',
    handler: deleteServiceAccount,
  },
  'temporary-account-info': {
    method: 'GET',
    operation: 'TemporaryAccountInfo',
    handler: temporaryAccountInfo,
  },
  'list-access-keys-bulk': { method: 'GET', operation: 'ListAccessKeysBulk', handler: listAccessKeysBulk },
  'info-access-key': { method: 'GET', operation: 'InfoAccessKey', handler: infoAccessKey },
  'revoke-tokens/builtin': { method: 'POST', operation: 'RevokeTokens', handler: revokeTokens },
};

/** MinIO's handler names of `idp-config/{type}[/{name}]`, by method (cmd/admin-router.go). */
const IDP_CONFIG_OPERATIONS: Readonly<Record<string, string>> = {
  GET: 'GetIdentityProviderCfg',
  PUT: 'AddIdentityProviderCfg',
  POST: 'UpdateIdentityProviderCfg',
  DELETE: 'DeleteIdentityProviderCfg',
};
const IDP_CONFIG = /^idp-config\/[^/]+(?:\/[^/]+)?$/;

/** The route of a call: a fixed path, or `idp-config/{type}[/{name}]` (any method it has). */
function routeOf(call: string, method: string): Route | undefined {
  if (Object.hasOwn(minioAdminRoutes, call)) return minioAdminRoutes[call];
  if (!IDP_CONFIG.test(call)) return undefined;
  const list = call.split('/').length === 2;
  const operation = list && method === 'GET' ? 'ListIdentityProviderCfg' : IDP_CONFIG_OPERATIONS[method];
  return { method, operation: operation ?? 'IdentityProviderCfg', handler: idpConfig };
}

/**
 * MinIO's admin API over the IAM service: users, groups, canned policies and their mappings,
 * service accounts (docs/minio-compat.md). The caller is authenticated by http; each handler
 * authorizes its admin:* action (or the IAM equivalent) through the one Authorizer.
 */
export function createMinioAdminApi(env: CallEnv & { ldap?: LdapDirectories }): MinioAdminApi {
  // Newer madmin-go's AddServiceAccountLDAP: served when LDAP is configured (docs/minio-compat.md).
  const ldapServiceAccount: Route = {
    method: 'PUT',
    operation: 'AddServiceAccountLDAP',
    handler: addServiceAccountLdap(env.ldap),
  };
  // MinIO's one RevokeTokens handler serves `revoke-tokens/{ldap,openid}` too; ldap resolves the
  // user in the directories (without LDAP: MinIO's refusal).
  const idpRevoke: Record<string, Route> = {
    'revoke-tokens/ldap': {
      method: 'POST',
      operation: 'RevokeTokens',
      handler: revokeTokensIdp('ldap', env.ldap),
    },
    'revoke-tokens/openid': {
      method: 'POST',
      operation: 'RevokeTokens',
      handler: revokeTokensIdp('openid', undefined),
    },
  };
  const find = (call: string, method: string): Route | undefined => {
    if (Object.hasOwn(idpRevoke, call)) return idpRevoke[call];
    return call === 'idp/ldap/add-service-account' && env.ldap !== undefined
      ? ldapServiceAccount
      : routeOf(call, method);
  };
  return {
    operation: (call, method = 'GET') => find(call, method)?.operation,
    serve: async (req) => {
      const route = find(req.call, req.method);
      if (route === undefined)
        throw new TesseraError('NotImplemented', `${req.call} is not implemented yet.`);
      if (req.method !== route.method) throw new TesseraError('MethodNotAllowed');
      return route.handler(newCall(env, req));
    },
  };
}
