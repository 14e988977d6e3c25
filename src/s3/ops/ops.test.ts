import { describe, expect, it } from 'vitest';
import { knownActions } from '../../policy/index.js';
import { routeRequest } from '../router.js';
import { accessChecks, operationSpecs, s3Handlers } from './index.js';

/** Requests that reach every operation, in the forms that change their checks. */
const SAMPLES: [method: string, url: string, headers?: Record<string, string>][] = [
  ['GET', '/'],
  ['POST', '/'],
  ['PUT', '/bkt'],
  ['HEAD', '/bkt'],
  ['DELETE', '/bkt'],
  ['GET', '/bkt?location'],
  ['GET', '/bkt?versioning'],
  ['PUT', '/bkt?versioning'],
  ['GET', '/bkt?lifecycle'],
  ['PUT', '/bkt?lifecycle'],
  ['DELETE', '/bkt?lifecycle'],
  ['GET', '/bkt?encryption'],
  ['PUT', '/bkt?encryption'],
  ['DELETE', '/bkt?encryption'],
  ['GET', '/bkt?acl'],
  ['PUT', '/bkt?acl'],
  ['GET', '/bkt/k?acl'],
  ['PUT', '/bkt/k?acl&versionId=null'],
  ['GET', '/bkt?ownershipControls'],
  ['PUT', '/bkt?ownershipControls'],
  ['DELETE', '/bkt?ownershipControls'],
  ['PUT', '/bkt2', { 'x-amz-acl': 'private', 'x-amz-object-ownership': 'ObjectWriter' }],
  ['PUT', '/bkt/acl-put', { 'x-amz-acl': 'public-read' }],
  ['POST', '/bkt/acl-mp?uploads', { 'x-amz-grant-read': 'id="x"' }],
  ['GET', '/bkt?versions&prefix=p&key-marker=a&version-id-marker=null'],
  ['GET', '/bkt?prefix=p&delimiter=%2F&max-keys=3'],
  ['GET', '/bkt?list-type=2'],
  ['GET', '/bkt?policy'],
  ['PUT', '/bkt?policy'],
  ['DELETE', '/bkt?policy'],
  ['GET', '/bkt?policyStatus'],
  ['GET', '/bkt?tagging'],
  ['PUT', '/bkt?tagging'],
  ['DELETE', '/bkt?tagging'],
  ['GET', '/bkt?uploads'],
  ['POST', '/bkt?delete'],
  ['POST', '/bkt'],
  ['POST', '/bkt/k'],
  ['GET', '/bkt?acl'],
  ['GET', '/bkt/k'],
  ['GET', '/bkt/k?versionId=null'],
  ['HEAD', '/bkt/k?versionId=null'],
  ['GET', '/bkt/k?attributes'],
  ['GET', '/bkt/k?attributes&versionId=null'],
  ['PUT', '/bkt/k', { 'x-amz-tagging': 'a=1' }],
  ['PUT', '/bkt/k', { 'if-match': '"e"' }],
  ['DELETE', '/bkt/k', { 'if-match': '"e"' }],
  ['POST', '/bkt/k?uploadId=u', { 'if-match': '"e"' }],
  [
    'PUT',
    '/bkt/k',
    {
      'x-amz-copy-source': 'src/k?versionId=null',
      'x-amz-tagging-directive': 'REPLACE',
      'x-amz-tagging': 'a=1',
    },
  ],
  ['DELETE', '/bkt/k'],
  ['DELETE', '/bkt/k?versionId=null'],
  ['GET', '/bkt/k?tagging&versionId=null'],
  ['PUT', '/bkt/k?tagging&versionId=null'],
  ['DELETE', '/bkt/k?tagging&versionId=null'],
  ['GET', '/bkt/k?tagging'],
  ['PUT', '/bkt/k?tagging'],
  ['DELETE', '/bkt/k?tagging'],
  ['POST', '/bkt/k?uploads', { 'x-amz-tagging': 'a=1' }],
  ['PUT', '/bkt/k?partNumber=1&uploadId=u'],
  ['PUT', '/bkt/k?partNumber=1&uploadId=u', { 'x-amz-copy-source': 'src/k?versionId=null' }],
  ['POST', '/bkt/k?uploadId=u'],
  ['DELETE', '/bkt/k?uploadId=u'],
  ['GET', '/bkt/k?uploadId=u'],
  ['GET', '/bkt?cors'],
  ['PUT', '/bkt?cors'],
  ['DELETE', '/bkt?cors'],
  ['GET', '/bkt?publicAccessBlock'],
  ['PUT', '/bkt?publicAccessBlock'],
  ['DELETE', '/bkt?publicAccessBlock'],
  ['GET', '/bkt?object-lock'],
  ['PUT', '/bkt?object-lock'],
  ['PUT', '/bkt', { 'x-amz-bucket-object-lock-enabled': 'true' }],
  ['GET', '/bkt/k?retention&versionId=null'],
  ['PUT', '/bkt/k?retention'],
  ['GET', '/bkt/k?legal-hold'],
  ['PUT', '/bkt/k?legal-hold'],
  ['PUT', '/bkt/k', { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-legal-hold': 'ON' }],
  ['POST', '/bkt/k?uploads', { 'x-amz-object-lock-legal-hold': 'ON' }],
];

function checks(method: string, url: string, headers: Record<string, string> = {}) {
  const q = url.indexOf('?');
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const op = routeRequest(
    {
      method,
      rawPath: q < 0 ? url : url.slice(0, q),
      query,
      host: 'localhost',
      copySource: 'x-amz-copy-source' in headers,
    },
    [],
  );
  return { op, checks: accessChecks(op, { headers }) };
}

describe('the operations table', () => {
  it('every action an operation uses is in the policy catalog, spelled as the catalog spells it', () => {
    const known = new Set(knownActions().map((a) => a.name));
    const used = new Set(operationSpecs.flatMap((s) => s.actions));
    expect([...used].filter((a) => !known.has(a))).toEqual([]);
    expect(used.size).toBeGreaterThan(20);
  });

  it('the checks of every operation ask only the actions its spec declares', () => {
    const reached = new Set<string>();
    for (const [method, url, headers] of SAMPLES) {
      const { op, checks: asked } = checks(method, url, headers);
      reached.add(op.name);
      const declared = operationSpecs.find((s) => s.name === op.name)!.actions;
      for (const c of asked) expect(declared, `${op.name}: ${c.action}`).toContain(c.action);
    }
    expect([...reached].sort()).toEqual(operationSpecs.map((s) => s.name).sort());
  });

  it('every operation has one spec, one handler and at least one route', () => {
    const names = operationSpecs.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(s3Handlers()).sort()).toEqual([...names].sort());
    for (const spec of operationSpecs) expect(spec.routes.length, spec.name).toBeGreaterThan(0);
  });

  it('a handler refuses an operation of another name', async () => {
    const op = checks('GET', '/bkt/k').op;
    const req = { op } as unknown as Parameters<ReturnType<typeof s3Handlers>['PutObject']>[1];
    await expect(s3Handlers().PutObject({} as never, req)).rejects.toThrow(
      'GetObject sent to the PutObject handler',
    );
  });
});
