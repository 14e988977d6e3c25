import { describe, expect, it } from 'vitest';
import { ALL_USERS, defaultAcl } from './model.js';
import { renderAcl } from './render.js';

const deps = { owner: { id: 'c'.repeat(64), displayName: 'tessera' } };

describe('Get*Acl rendering', () => {
  it('renders Owner, then each Grant with its Grantee xsi:type, as S3 does', async () => {
    const acl = defaultAcl(deps.owner.id);
    acl.grants.push({ grantee: { type: 'Group', uri: ALL_USERS }, permission: 'READ' });
    expect(await renderAcl(deps, acl)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        `<Owner><ID>${'c'.repeat(64)}</ID><DisplayName>tessera</DisplayName></Owner>` +
        '<AccessControlList>' +
        '<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">' +
        `<ID>${'c'.repeat(64)}</ID><DisplayName>tessera</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant>` +
        '<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group">' +
        `<URI>${ALL_USERS}</URI></Grantee><Permission>READ</Permission></Grant>` +
        '</AccessControlList></AccessControlPolicy>',
    );
  });

  it('leaves DisplayName out for ids no account has, and escapes text', async () => {
    const xml = await renderAcl(deps, { owner: 'x&y', grants: [] });
    expect(xml).toContain('<Owner><ID>x&amp;y</ID></Owner><AccessControlList></AccessControlList>');
  });
});
