import type { Handler } from './call.js';
import { pageRequest, paginate, truncation } from './paging.js';
import { policyParam } from './policies.js';
import { encodeDocument, isoDate, members } from './xml.js';

/**
 * Managed-policy versions (at most 5; LimitExceeded beyond). Writing a version is MinIO's
 * "add canned policy" (admin:CreatePolicy); reading one is admin:GetPolicy.
 */
const getPolicyVersion: Handler = async (call) => {
  const versionId = call.params.required('VersionId');
  const { name } = await call.authorize({
    action: 'iam:GetPolicyVersion',
    target: policyParam(call),
    admin: ['admin:GetPolicy'],
  });
  const v = await call.iam.policies.getVersion(call.account, name, versionId);
  return {
    PolicyVersion: {
      Document: encodeDocument(v.document),
      VersionId: v.versionId,
      IsDefaultVersion: v.isDefault,
      CreateDate: isoDate(v.createdAt),
    },
  };
};

const createPolicyVersion: Handler = async (call) => {
  const document = call.params.required('PolicyDocument');
  const setAsDefault = call.params.bool('SetAsDefault') ?? false;
  const { name } = await call.authorize({
    action: 'iam:CreatePolicyVersion',
    target: policyParam(call),
    admin: ['admin:CreatePolicy'],
  });
  const id = await call.iam.policies.createVersion(call.account, name, document, setAsDefault);
  const v = await call.iam.policies.getVersion(call.account, name, id);
  return {
    PolicyVersion: {
      VersionId: v.versionId,
      IsDefaultVersion: v.isDefault,
      CreateDate: isoDate(v.createdAt),
    },
  };
};

/** DeleteConflict for the default version, as in AWS. */
const deletePolicyVersion: Handler = async (call) => {
  const versionId = call.params.required('VersionId');
  const { name } = await call.authorize({
    action: 'iam:DeletePolicyVersion',
    target: policyParam(call),
    admin: ['admin:CreatePolicy'],
  });
  await call.iam.policies.deleteVersion(call.account, name, versionId);
  return undefined;
};

/** Newest first, as AWS lists them; documents are not included. */
const listPolicyVersions: Handler = async (call) => {
  const req = pageRequest(call.params);
  const { name } = await call.authorize({
    action: 'iam:ListPolicyVersions',
    target: policyParam(call),
    admin: ['admin:GetPolicy'],
  });
  await call.iam.policies.get(call.account, name);
  const versions = await call.iam.policies.listVersions(call.account, name);
  // Sort key: newest first (v10 before v9), fixed width so that the string order is numeric.
  const key = (id: string) => String(1e9 - Number(id.slice(1))).padStart(10, '0');
  const page = paginate(versions, (v) => key(v.versionId), req);
  const rows = page.items.map((v) => ({
    VersionId: v.versionId,
    IsDefaultVersion: v.isDefault,
    CreateDate: isoDate(v.createdAt),
  }));
  return { Versions: members(rows), ...truncation(page) };
};

const setDefaultPolicyVersion: Handler = async (call) => {
  const versionId = call.params.required('VersionId');
  const { name } = await call.authorize({
    action: 'iam:SetDefaultPolicyVersion',
    target: policyParam(call),
    admin: ['admin:CreatePolicy'],
  });
  await call.iam.policies.setDefaultVersion(call.account, name, versionId);
  return undefined;
};

export const policyVersionHandlers: Record<string, Handler> = {
  GetPolicyVersion: getPolicyVersion,
  CreatePolicyVersion: createPolicyVersion,
  DeletePolicyVersion: deletePolicyVersion,
  ListPolicyVersions: listPolicyVersions,
  SetDefaultPolicyVersion: setDefaultPolicyVersion,
};
