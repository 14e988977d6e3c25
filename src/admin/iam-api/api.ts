import { TesseraError } from '../../core/index.js';
import { Authorizer, type IamService, resolveTarget } from '../../iam/index.js';
import type { IamApi, IamApiRequest, IamApiResponse } from '../types.js';
import { accessKeyHandlers } from './access-keys.js';
import { attachmentHandlers } from './attachments.js';
import { checkAccess } from './authz.js';
import type { Call, Handler } from './call.js';
import { completeChange, probeChange } from './change.js';
import { groupHandlers } from './groups.js';
import { inlineHandlers } from './inline.js';
import { loginProfileHandlers } from './login-profiles.js';
import { oidcProviderHandlers } from './oidc-providers.js';
import { Params } from './params.js';
import { policyHandlers } from './policies.js';
import { policyVersionHandlers } from './policy-versions.js';
import { revokeSessionsHandlers } from './revoke-sessions.js';
import { rolePolicyHandlers } from './role-policies.js';
import { roleHandlers } from './roles.js';
import { simulateHandlers } from './simulate.js';
import { userHandlers } from './users.js';
import { renderResponse } from './xml.js';

/** The IAM Query API version every request names. */
export const IAM_VERSION = '2010-05-08';

/** Every supported Action → its handler. */
const handlers: Readonly<Record<string, Handler>> = Object.freeze({
  ...userHandlers,
  ...loginProfileHandlers,
  ...accessKeyHandlers,
  ...groupHandlers,
  ...policyHandlers,
  ...policyVersionHandlers,
  ...attachmentHandlers,
  ...inlineHandlers,
  ...roleHandlers,
  ...rolePolicyHandlers,
  ...oidcProviderHandlers,
  ...simulateHandlers,
  ...revokeSessionsHandlers,
});

/** The supported Action names, sorted. */
export const iamApiActions: readonly string[] = Object.keys(handlers).sort();

export interface IamApiOptions {
  /**
   * The default account's id as ARNs and aws:PrincipalAccount show it; defaults to the IAM
   * service's (`iam.arns.defaultAccountId`).
   */
  accountId?: string;
  /** The deployment's authorizer (one is made over `iam` when absent). */
  authorizer?: Authorizer;
}

/**
 * The AWS IAM Query API (version 2010-05-08) over the identity directory. The http pipeline
 * authenticates the request (SigV4, scope service `iam`), parses the form body and calls the API
 * with the principal; the API authorizes the action itself and answers with AWS's XML document,
 * or throws TesseraError (render it with `renderIamError`).
 * @example
 * const api = createIamApi(iam, { accountId: '123456789012' });
 * const res = await api({ principal, params: new URLSearchParams(body), requestId, context });
 */
export function createIamApi(iam: IamService, opts: IamApiOptions = {}): IamApi {
  const authorizer =
    opts.authorizer ?? new Authorizer({ iam, accountId: opts.accountId ?? iam.arns.defaultAccountId });
  return async (req: IamApiRequest): Promise<IamApiResponse> => {
    const action = req.params.get('Action') ?? '';
    const version = req.params.get('Version');
    const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
    if (handler === undefined || (version !== null && version !== IAM_VERSION)) {
      throw new TesseraError(
        'InvalidAction',
        `Could not find operation ${action.slice(0, 100)} for version ${(version ?? 'NO_VERSION_SPECIFIED').slice(0, 40)}`,
      );
    }
    const env = { iam, authorizer, context: req.context };
    const call: Call = {
      iam,
      account: req.principal.account,
      principal: req.principal,
      params: new Params(req.params),
      authorize: async (check) => (await checkAccess(env, req.principal, check)).target,
      resolve: (target) => resolveTarget(iam, req.principal.account, target),
    };
    // What a mutating call changes, for its audit entry (change.ts): the target's summary before…
    const probe = await probeChange(iam, call.account, action, req.params);
    const result = await handler(call);
    const body = renderResponse(action, result, req.requestId);
    if (probe === undefined) return { status: 200, body };
    // …and after.
    return { status: 200, body, change: await completeChange(iam, call.account, probe, req.params, result) };
  };
}
