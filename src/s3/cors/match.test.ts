import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/index.js';
import { CORS_VARY, corsResponseHeaders, findCorsRule, requestedHeaders, wildcardMatch } from './match.js';
import type { CorsRule } from './model.js';
import {
  actualRequestHeaders,
  type PreflightBucket,
  type PreflightRequest,
  preflightHeaders,
} from './preflight.js';

const rule = (r: Partial<CorsRule>): CorsRule => ({
  allowedOrigins: ['*'],
  allowedMethods: ['GET'],
  allowedHeaders: [],
  exposeHeaders: [],
  ...r,
});

describe('wildcardMatch', () => {
  it.each([
    ['*', 'https://example.com', true],
    ['*', '', true],
    ['https://example.com', 'https://example.com', true],
    ['https://example.com', 'https://example.com/', false],
    ['https://example.com', 'https://EXAMPLE.com', false],
    ['http://*.example.com', 'http://www.example.com', true],
    ['http://*.example.com', 'http://a.b.example.com', true],
    ['http://*.example.com', 'http://example.com', false],
    ['http://*.example.com', 'https://www.example.com', false],
    ['http://*.example.com', 'http://www.example.com.evil', false],
    ['start*end', 'startend', true],
    ['start*end', '0start12end', false],
    ['a*a', 'a', false],
    ['prefix*', 'prefix', true],
    ['*suffix', 'foo.suffix.get', false],
  ])('%j ~ %j: %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });
});

describe('requestedHeaders', () => {
  it('splits, trims, lower-cases and drops empty names', () => {
    expect(requestedHeaders('Content-Type,X-Amz-Date ,  x-amz-meta-Name, ,')).toEqual([
      'content-type',
      'x-amz-date',
      'x-amz-meta-name',
    ]);
    expect(requestedHeaders(undefined)).toEqual([]);
  });
});

describe('findCorsRule', () => {
  const exact = rule({
    id: 'exact',
    allowedOrigins: ['https://example.com'],
    allowedMethods: ['GET', 'PUT'],
  });
  const pattern = rule({
    id: 'pattern',
    allowedOrigins: ['https://*.com'],
    allowedHeaders: ['X-Amz-*', 'content-type'],
  });
  const any = rule({ id: 'any', allowedMethods: ['GET', 'HEAD'] });

  it('takes the first rule matching origin, method and every requested header', () => {
    expect(findCorsRule([exact, pattern, any], 'https://example.com', 'GET')?.id).toBe('exact');
    expect(findCorsRule([any, exact], 'https://example.com', 'GET')?.id).toBe('any');
    expect(findCorsRule([exact, pattern, any], 'https://example.com', 'HEAD')?.id).toBe('any');
    expect(findCorsRule([exact, pattern, any], 'https://example.com', 'GET', ['x-amz-date'])?.id).toBe(
      'pattern',
    );
    expect(
      findCorsRule([exact, pattern, any], 'https://example.com', 'GET', ['x-amz-date', 'content-type'])?.id,
    ).toBe('pattern');
    expect(
      findCorsRule([exact, pattern, any], 'https://example.com', 'GET', ['authorization']),
    ).toBeUndefined();
    expect(findCorsRule([exact, pattern], 'https://example.com', 'DELETE')).toBeUndefined();
    expect(findCorsRule([exact], 'https://example.com', 'get')).toBeUndefined();
  });
});

describe('corsResponseHeaders', () => {
  it("echoes a matched origin with credentials, in S3's order", () => {
    const r = rule({
      allowedOrigins: ['http://*.example.com'],
      allowedMethods: ['GET', 'PUT'],
      exposeHeaders: ['ETag', 'x-amz-request-id'],
      maxAgeSeconds: 0,
    });
    const h = corsResponseHeaders(r, 'http://app.example.com', ['content-type']);
    expect(Object.entries(h)).toEqual([
      ['access-control-allow-origin', 'http://app.example.com'],
      ['access-control-allow-methods', 'GET, PUT'],
      ['access-control-allow-headers', 'content-type'],
      ['access-control-expose-headers', 'ETag, x-amz-request-id'],
      ['access-control-max-age', '0'],
      ['access-control-allow-credentials', 'true'],
      ['vary', CORS_VARY],
    ]);
  });

  it('answers * without credentials when the rule allows every origin', () => {
    const h = corsResponseHeaders(
      rule({ allowedOrigins: ['https://example.com', '*'] }),
      'https://example.com',
    );
    expect(h).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET',
      vary: CORS_VARY,
    });
  });
});

describe('preflightHeaders', () => {
  const config: PreflightBucket = {
    rules: [
      rule({ allowedOrigins: ['https://example.com'], allowedMethods: ['PUT'], allowedHeaders: ['*'] }),
    ],
  };
  const ask = (r: Partial<PreflightRequest>): PreflightRequest => ({
    origin: 'https://example.com',
    method: 'PUT',
    headers: undefined,
    resourceType: 'OBJECT',
    ...r,
  });
  function refusal(bucket: PreflightBucket, r: PreflightRequest) {
    try {
      preflightHeaders(bucket, r);
      return undefined;
    } catch (e) {
      if (!(e instanceof TesseraError)) throw e;
      return { code: e.code, status: e.status, message: e.message, detail: e.detail };
    }
  }

  it.each<[string, PreflightBucket, Partial<PreflightRequest>, string, number, string, object]>([
    [
      'no Origin',
      config,
      { origin: undefined },
      'BadRequest',
      400,
      'Insufficient information. Origin request header needed.',
      {},
    ],
    [
      'an empty Origin',
      undefined,
      { origin: '' },
      'BadRequest',
      400,
      'Insufficient information. Origin request header needed.',
      {},
    ],
    [
      'no bucket',
      undefined,
      {},
      'AccessForbidden',
      403,
      'CORSResponse: Bucket not found',
      { Method: 'PUT', ResourceType: 'BUCKET' },
    ],
    [
      'no configuration',
      null,
      { method: undefined },
      'AccessForbidden',
      403,
      'CORSResponse: CORS is not enabled for this bucket.',
      { Method: 'OPTIONS', ResourceType: 'BUCKET' },
    ],
    [
      'no method',
      config,
      { method: undefined },
      'BadRequest',
      400,
      'Invalid Access-Control-Request-Method: null',
      {},
    ],
    [
      'the method PATCH',
      config,
      { method: 'PATCH' },
      'BadRequest',
      400,
      'Invalid Access-Control-Request-Method: PATCH',
      {},
    ],
    [
      'a method no rule allows',
      config,
      { method: 'GET' },
      'AccessForbidden',
      403,
      expect.stringMatching(/^CORSResponse: This CORS request is not allowed\./) as unknown as string,
      { Method: 'GET', ResourceType: 'OBJECT' },
    ],
  ])('%s', (_, bucket, r, code, status, message, detail) => {
    expect(refusal(bucket, ask(r))).toEqual({ code, status, message, detail });
  });

  it('answers the requested headers of a match, lower-cased', () => {
    expect(preflightHeaders(config, ask({ headers: 'Content-Type, X-Amz-Date' }))).toMatchObject({
      'access-control-allow-origin': 'https://example.com',
      'access-control-allow-methods': 'PUT',
      'access-control-allow-headers': 'content-type, x-amz-date',
      'access-control-allow-credentials': 'true',
    });
  });
});

describe('actualRequestHeaders', () => {
  it('uses origin and method only, and nothing when no rule matches', () => {
    const config = { rules: [rule({ allowedOrigins: ['https://example.com'], allowedHeaders: [] })] };
    expect(actualRequestHeaders(config, 'https://example.com', 'GET')?.['access-control-allow-origin']).toBe(
      'https://example.com',
    );
    expect(actualRequestHeaders(config, 'https://example.com', 'PUT')).toBeUndefined();
    expect(actualRequestHeaders(config, 'https://example.org', 'GET')).toBeUndefined();
    expect(actualRequestHeaders(config, '', 'GET')).toBeUndefined();
  });
});
