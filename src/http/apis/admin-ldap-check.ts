import { TesseraError } from '../../core/index.js';
import type { LdapDirectories } from '../../idp/index.js';
import type { S3Response } from '../../s3/index.js';
import type { Exchange, Trace } from '../exchange.js';

/** `tessera admin idp ldap check` (docs/ldap.md "Administration"). */
export const LDAP_CHECK_PATH = '/minio/admin/v3/tessera/idp/ldap/check';

/**
 * `GET …/tessera/idp/ldap/check[?directory=D][&username=U]`: each directory's check steps
 * (connect, lookup bind, user search, group search) as JSON, for one directory or every one.
 * The caller is authorized first (admin:ServerInfo); nothing secret is in the answer.
 */
export async function serveLdapCheck(
  directories: LdapDirectories,
  x: Exchange,
  trace: Trace,
  authorize: (action: string) => Promise<unknown>,
): Promise<S3Response> {
  trace.operation = 'AdminCheckLDAP';
  if ((x.req.method ?? 'GET') !== 'GET') throw new TesseraError('MethodNotAllowed');
  await authorize('admin:ServerInfo');
  const named = x.query.get('directory');
  const username = x.query.get('username') ?? undefined;
  if (named !== null && !directories.names.includes(named.toLowerCase()))
    throw new TesseraError('InvalidParameterValue', `No LDAP directory is named ${named.slice(0, 64)}.`);
  const names = named === null ? directories.names : [named.toLowerCase()];
  const out = [];
  for (const directory of names)
    out.push({
      directory,
      steps: await directories.check(directory, username === '' ? undefined : username),
    });
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ directories: out }),
  };
}
