import { isTesseraError, parseXml, TesseraError, xmlList, xmlText } from '../../core/index.js';
import {
  type AclPermission,
  GROUP_URIS,
  MAX_GRANTS,
  PERMISSIONS,
  type RequestedAcl,
  type RequestedGrant,
  type RequestedGrantee,
} from './model.js';

const malformed = () => new TesseraError('MalformedACLError');

type Node = Record<string, unknown>;

function node(value: unknown): Node {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed();
  return value as Node;
}

/** An element that must appear once, as text. */
function onlyText(parent: Node, name: string): string | undefined {
  const v = parent[name];
  if (v === undefined) return undefined;
  const t = xmlText(v);
  if (t === undefined) throw malformed();
  return t.trim();
}

/** `<Grantee … xsi:type="…">` opening tags, in document order: each one's type attribute, if any. */
const GRANTEE_TAG = /<(?:[A-Za-z_][\w.-]*:)?Grantee(\s[^>]*)?>/g;
const TYPE_ATTR = /(?:^|\s)(?:[A-Za-z_][\w.-]*:)?type\s*=\s*(?:"([^"]*)"|'([^']*)')/;

function granteeTypes(text: string): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const m of text.matchAll(GRANTEE_TAG)) {
    const attrs = m[1] ?? '';
    const t = TYPE_ATTR.exec(attrs);
    out.push(t === null ? undefined : (t[1] ?? t[2] ?? '').replace(/\s+/g, ''));
  }
  return out;
}

function grantee(g: Node, type: string | undefined): RequestedGrantee {
  const id = onlyText(g, 'ID');
  const uri = onlyText(g, 'URI');
  const email = onlyText(g, 'EmailAddress');
  const given = [id, uri, email].filter((v) => v !== undefined).length;
  if (given !== 1) throw malformed();
  let parsed: RequestedGrantee;
  if (id !== undefined) parsed = { type: 'CanonicalUser', id };
  else if (uri !== undefined) {
    if (!GROUP_URIS.includes(uri))
      throw new TesseraError('InvalidArgument', 'Invalid group uri', {
        ArgumentName: 'uri',
        ArgumentValue: uri,
      });
    parsed = { type: 'Group', uri };
  } else parsed = { type: 'AmazonCustomerByEmail', email: email! };
  // The xsi:type, when given, must name the kind of grantee its child element is.
  if (type !== undefined && type !== parsed.type) throw malformed();
  if ((id ?? uri ?? email) === '') throw malformed();
  return parsed;
}

/**
 * Parses an AccessControlPolicy document (PutBucketAcl, PutObjectAcl): an optional Owner with
 * its ID, and an AccessControlList of at most 100 Grants, each a Grantee (CanonicalUser by ID,
 * Group by URI, AmazonCustomerByEmail by EmailAddress) and a Permission. Anything malformed is
 * MalformedACLError, as S3 answers it; an unknown group URI is InvalidArgument.
 */
export function parseAccessControlPolicy(text: string): RequestedAcl {
  let doc: Node;
  try {
    doc = parseXml(text, 'AccessControlPolicy');
  } catch (e) {
    if (isTesseraError(e, 'MalformedXML')) throw malformed();
    throw e;
  }
  const acl: RequestedAcl = { grants: [] };
  if (doc['Owner'] !== undefined) {
    const ownerId = onlyText(node(doc['Owner']), 'ID');
    if (ownerId !== undefined) acl.owner = ownerId;
  }
  const list = doc['AccessControlList'];
  if (list === undefined) throw malformed();
  if (list === '' || (typeof list === 'string' && list.trim() === '')) return acl;
  const grants = xmlList(node(list)['Grant']);
  if (grants.length > MAX_GRANTS) throw malformed();
  const types = granteeTypes(text);
  if (types.length !== grants.length) throw malformed();
  grants.forEach((raw, i) => {
    const g = node(raw);
    const permission = onlyText(g, 'Permission');
    if (permission === undefined || !PERMISSIONS.includes(permission as AclPermission)) throw malformed();
    if (g['Grantee'] === undefined) throw malformed();
    const grant: RequestedGrant = {
      grantee: grantee(node(g['Grantee']), types[i]),
      permission: permission as AclPermission,
    };
    acl.grants.push(grant);
  });
  return acl;
}
