import { escapeXml } from '../../core/index.js';
import type { S3Deps } from '../context.js';
import { displayNameOf } from './canonical-id.js';
import type { AclGrant, StoredAcl } from './model.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

function idElements(deps: Pick<S3Deps, 'owner'>, id: string): string {
  const name = displayNameOf(deps, id);
  return `<ID>${escapeXml(id)}</ID>${name === undefined ? '' : `<DisplayName>${escapeXml(name)}</DisplayName>`}`;
}

function grantXml(deps: Pick<S3Deps, 'owner'>, g: AclGrant): string {
  const e = g.grantee;
  const grantee =
    e.type === 'CanonicalUser'
      ? `<Grantee xmlns:xsi="${XSI}" xsi:type="CanonicalUser">${idElements(deps, e.id)}</Grantee>`
      : `<Grantee xmlns:xsi="${XSI}" xsi:type="Group"><URI>${escapeXml(e.uri)}</URI></Grantee>`;
  return `<Grant>${grantee}<Permission>${g.permission}</Permission></Grant>`;
}

/**
 * GetBucketAcl's and GetObjectAcl's answer, as S3 renders it:
 * `<AccessControlPolicy><Owner><ID/><DisplayName/></Owner><AccessControlList><Grant><Grantee
 * xmlns:xsi="…" xsi:type="CanonicalUser"><ID/><DisplayName/></Grantee><Permission/></Grant>…`.
 */
export function renderAcl(deps: Pick<S3Deps, 'owner'>, acl: StoredAcl): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Owner>${idElements(deps, acl.owner)}</Owner>` +
    `<AccessControlList>${acl.grants.map((g) => grantXml(deps, g)).join('')}</AccessControlList>` +
    '</AccessControlPolicy>'
  );
}
