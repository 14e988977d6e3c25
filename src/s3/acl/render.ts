import { escapeXml } from '../../core/index.js';
import type { S3Deps } from '../context.js';
import { displayNameOf } from './canonical-id.js';
import type { AclGrant, StoredAcl } from './model.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

type Deps = Pick<S3Deps, 'owner' | 'accounts'>;

async function idElements(deps: Deps, id: string): Promise<string> {
  const name = await displayNameOf(deps, id);
  return `<ID>${escapeXml(id)}</ID>${name === undefined ? '' : `<DisplayName>${escapeXml(name)}</DisplayName>`}`;
}

async function grantXml(deps: Deps, g: AclGrant): Promise<string> {
  const e = g.grantee;
  const grantee =
    e.type === 'CanonicalUser'
      ? `<Grantee xmlns:xsi="${XSI}" xsi:type="CanonicalUser">${await idElements(deps, e.id)}</Grantee>`
      : `<Grantee xmlns:xsi="${XSI}" xsi:type="Group"><URI>${escapeXml(e.uri)}</URI></Grantee>`;
  return `<Grant>${grantee}<Permission>${g.permission}</Permission></Grant>`;
}

/**
 * GetBucketAcl's and GetObjectAcl's answer, as S3 renders it:
 * `<AccessControlPolicy><Owner><ID/><DisplayName/></Owner><AccessControlList><Grant><Grantee
 * xmlns:xsi="…" xsi:type="CanonicalUser"><ID/><DisplayName/></Grantee><Permission/></Grant>…`.
 */
export async function renderAcl(deps: Deps, acl: StoredAcl): Promise<string> {
  const grants = await Promise.all(acl.grants.map((g) => grantXml(deps, g)));
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Owner>${await idElements(deps, acl.owner)}</Owner>` +
    `<AccessControlList>${grants.join('')}</AccessControlList>` +
    '</AccessControlPolicy>'
  );
}
