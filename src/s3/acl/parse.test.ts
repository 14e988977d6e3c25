import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/index.js';
import { ALL_USERS } from './model.js';
import { parseAccessControlPolicy } from './parse.js';

const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function policy(grants: string, owner = '<Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner>'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${owner}
  <AccessControlList>${grants}</AccessControlList>
</AccessControlPolicy>`;
}

const grant = (grantee: string, permission = 'READ', type = 'CanonicalUser') =>
  `<Grant><Grantee ${XSI} xsi:type="${type}">${grantee}</Grantee><Permission>${permission}</Permission></Grant>`;

const code = (text: string): string | undefined => {
  try {
    parseAccessControlPolicy(text);
    return undefined;
  } catch (e) {
    return e instanceof TesseraError ? e.code : `not a TesseraError: ${String(e)}`;
  }
};

describe('AccessControlPolicy parsing', () => {
  it('reads the owner and every kind of grantee', () => {
    const acl = parseAccessControlPolicy(
      policy(
        grant('<ID>abc</ID><DisplayName>me</DisplayName>', 'FULL_CONTROL') +
          grant(`<URI>${ALL_USERS}</URI>`, 'READ', 'Group') +
          grant('<EmailAddress>xyz@amazon.com</EmailAddress>', 'WRITE_ACP', 'AmazonCustomerByEmail'),
      ),
    );
    expect(acl).toEqual({
      owner: 'abc',
      grants: [
        { grantee: { type: 'CanonicalUser', id: 'abc' }, permission: 'FULL_CONTROL' },
        { grantee: { type: 'Group', uri: ALL_USERS }, permission: 'READ' },
        { grantee: { type: 'AmazonCustomerByEmail', email: 'xyz@amazon.com' }, permission: 'WRITE_ACP' },
      ],
    });
  });

  it('accepts an empty AccessControlList, no Owner, and a grantee without xsi:type', () => {
    expect(parseAccessControlPolicy(policy('', ''))).toEqual({ grants: [] });
    const plain = '<Grant><Grantee><ID>abc</ID></Grantee><Permission>READ</Permission></Grant>';
    expect(parseAccessControlPolicy(policy(plain)).grants).toHaveLength(1);
  });

  it('answers MalformedACLError for what does not validate, as S3 does', () => {
    expect(code('not xml')).toBe('MalformedACLError');
    expect(code('<Other/>')).toBe('MalformedACLError');
    expect(code(policy(grant('<ID>abc</ID>', 'EVERYTHING')))).toBe('MalformedACLError');
    expect(code(policy(grant(`<URI>${ALL_USERS}</URI>`, 'READ', 'CanonicalUser')))).toBe('MalformedACLError');
    expect(code(policy(grant('<ID>abc</ID><URI>x</URI>')))).toBe('MalformedACLError');
    expect(code(policy(grant('')))).toBe('MalformedACLError');
    expect(code(policy('<Grant><Permission>READ</Permission></Grant>'))).toBe('MalformedACLError');
    expect(code('<AccessControlPolicy><Owner><ID>a</ID></Owner></AccessControlPolicy>')).toBe(
      'MalformedACLError',
    );
    expect(code(policy(grant('<ID>a</ID>').repeat(101)))).toBe('MalformedACLError');
    expect(code(policy(grant('<ID>a</ID>').repeat(100)))).toBeUndefined();
  });

  it('answers InvalidArgument for a group URI S3 does not have', () => {
    expect(
      code(policy(grant('<URI>http://acs.amazonaws.com/groups/global/Everyone</URI>', 'READ', 'Group'))),
    ).toBe('InvalidArgument');
  });

  it('never fails with anything but a TesseraError (property, time-boxed)', () => {
    const piece = fc.constantFrom(
      '<AccessControlPolicy>',
      '</AccessControlPolicy>',
      '<AccessControlList>',
      '</AccessControlList>',
      '<Grant>',
      '</Grant>',
      `<Grantee ${XSI} xsi:type="Group">`,
      '<Grantee xsi:type="CanonicalUser">',
      "<Grantee t:type='x'>",
      '</Grantee>',
      '<ID>',
      '</ID>',
      '<URI>',
      '</URI>',
      ALL_USERS,
      '<Permission>READ</Permission>',
      '<Owner><ID>a</ID></Owner>',
      '<EmailAddress>a@b</EmailAddress>',
      '&amp;',
      '&#0;',
      '<![CDATA[x]]>',
      '<!DOCTYPE x>',
      ' ',
    );
    const doc = fc.oneof(
      fc.array(piece, { maxLength: 30 }).map((p) => p.join('')),
      fc.string({ maxLength: 200 }),
    );
    fc.assert(
      fc.property(doc, (text) => {
        const c = code(text);
        return c === undefined || !c.startsWith('not a TesseraError');
      }),
      { numRuns: 3000, interruptAfterTimeLimit: 3000 },
    );
  });
});
