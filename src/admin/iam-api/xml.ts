import { renderXml, type XmlNode, type XmlValue } from '../../core/index.js';
import type { IamGroup, IamPolicy, IamUser } from '../../iam/index.js';

/** The namespace of every IAM Query API document. */
export const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

/**
 * AWS's response document: `<XResponse xmlns=…><XResult>…</XResult><ResponseMetadata>…`.
 * Actions without output (DeleteUser, …) have no Result element.
 * @example renderResponse('GetUser', { User: userXml(u) }, 'REQ1')
 */
export function renderResponse(action: string, result: XmlNode | undefined, requestId: string): string {
  const body: XmlNode = {};
  if (result !== undefined) body[`${action}Result`] = result;
  body['ResponseMetadata'] = { RequestId: requestId };
  return renderXml(`${action}Response`, body, IAM_NS);
}

/** ISO-8601 without milliseconds, as AWS writes dates (`2024-05-01T12:00:00Z`). */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** AWS returns policy documents URL-encoded (RFC 3986), and clients decode them. */
export function encodeDocument(json: string): string {
  return encodeURIComponent(json);
}

/** A list element: `<Name><member>…</member>…</Name>` (present even when empty). */
export function members(items: readonly XmlValue[]): XmlNode {
  return { member: [...items] };
}

export function tagsXml(tags: readonly { key: string; value: string }[]): XmlNode {
  return members(tags.map((t) => ({ Key: t.key, Value: t.value })));
}

/** Tessera extension element `<Status>` of users and groups: `Active` (enabled) or `Inactive`. */
export function statusXml(status: 'enabled' | 'disabled'): 'Active' | 'Inactive' {
  return status === 'enabled' ? 'Active' : 'Inactive';
}

/**
 * The User structure; `withTags` for GetUser / CreateUser (ListUsers leaves tags out, as AWS does).
 * Tessera adds `<Status>` (AWS SDKs ignore unknown elements).
 */
export function userXml(u: IamUser, withTags = false): XmlNode {
  const node: XmlNode = {
    Path: '/',
    UserName: u.name,
    UserId: u.id,
    Arn: u.arn,
    CreateDate: isoDate(u.createdAt),
    Status: statusXml(u.status),
  };
  if (withTags && u.tags.length > 0) node['Tags'] = tagsXml(u.tags);
  return node;
}

/** The Group structure, with Tessera's `<Status>` extension. */
export function groupXml(g: IamGroup): XmlNode {
  return {
    Path: '/',
    GroupName: g.name,
    GroupId: g.id,
    Arn: g.arn,
    CreateDate: isoDate(g.createdAt),
    Status: statusXml(g.status),
  };
}

/** The Policy structure. */
export function policyXml(p: IamPolicy): XmlNode {
  return {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: '/',
    DefaultVersionId: p.defaultVersion,
    AttachmentCount: p.attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: p.description,
    CreateDate: isoDate(p.createdAt),
    UpdateDate: isoDate(p.updatedAt),
  };
}
