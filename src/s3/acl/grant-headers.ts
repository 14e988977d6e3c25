import { TesseraError } from '../../core/index.js';
import type { AclPermission, RequestedGrant, RequestedGrantee } from './model.js';
import { GROUP_URIS, MAX_GRANTS } from './model.js';

/** The grant headers and the permission each gives ("Managing ACLs using the REST API"). */
export const GRANT_HEADERS: readonly (readonly [string, AclPermission])[] = [
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
];

type Headers = Record<string, string | string[] | undefined>;

const invalid = (header: string, value: string) =>
  new TesseraError('InvalidArgument', undefined, { ArgumentName: header, ArgumentValue: value });

/** One `type="value"` pair (quotes optional, as S3 accepts both). */
const PAIR = /^\s*(id|uri|emailAddress)\s*=\s*(?:"([^"]*)"|([^",\s]+))\s*$/i;

function grantee(header: string, item: string): RequestedGrantee {
  const m = PAIR.exec(item);
  if (m === null) throw invalid(header, item);
  const value = m[2] ?? m[3] ?? '';
  if (value === '') throw invalid(header, item);
  switch (m[1]!.toLowerCase()) {
    case 'id':
      return { type: 'CanonicalUser', id: value };
    case 'uri':
      if (!GROUP_URIS.includes(value))
        throw new TesseraError('InvalidArgument', 'Invalid group uri', {
          ArgumentName: 'uri',
          ArgumentValue: value,
        });
      return { type: 'Group', uri: value };
    default:
      return { type: 'AmazonCustomerByEmail', email: value };
  }
}

/** Splits on commas outside quotes. */
function items(value: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}

/** True when the request has any x-amz-grant-* header. */
export function hasGrantHeaders(headers: Headers): boolean {
  for (const [name] of GRANT_HEADERS) if (headers[name] !== undefined) return true;
  return false;
}

/**
 * The grants of the x-amz-grant-* headers, in header order: "x-amz-grant-read: id="…",
 * uri="…", emailAddress="…"" — a comma-separated list of type=value pairs. A malformed pair is
 * InvalidArgument; more than 100 grants in all is too.
 */
export function parseGrantHeaders(headers: Headers): RequestedGrant[] {
  const grants: RequestedGrant[] = [];
  for (const [name, permission] of GRANT_HEADERS) {
    const raw = headers[name];
    if (raw === undefined) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      for (const item of items(value)) grants.push({ grantee: grantee(name, item), permission });
    }
  }
  if (grants.length > MAX_GRANTS) throw new TesseraError('InvalidArgument', 'Too many grants.');
  return grants;
}
