import { describe, expect, it } from 'vitest';
import { parseXml, TesseraError } from '../../core/index.js';
import type { CorsConfiguration } from './model.js';
import { parseCors } from './parse.js';
import { renderCors } from './render.js';

const ORIGIN = '<AllowedOrigin>https://example.com</AllowedOrigin>';
const METHOD = '<AllowedMethod>GET</AllowedMethod>';
const MINIMAL = ORIGIN + METHOD;

const doc = (...rules: string[]) =>
  `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules
    .map((r) => `<CORSRule>${r}</CORSRule>`)
    .join('')}</CORSConfiguration>`;

const parse = (xml: string) => parseCors(parseXml(xml, 'CORSConfiguration'));

function failure(xml: string): { code: string; message: string } | undefined {
  try {
    parse(xml);
    return undefined;
  } catch (e) {
    if (!(e instanceof TesseraError)) throw e;
    return { code: e.code, message: e.message };
  }
}

describe('parseCors', () => {
  it('reads every element of each rule, in order, values as sent', () => {
    const config = parse(
      doc(
        '<ID>site</ID><AllowedOrigin>https://example.com</AllowedOrigin><AllowedOrigin>http://*.example.com</AllowedOrigin>' +
          '<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>Content-Type</AllowedHeader>' +
          '<AllowedHeader>x-amz-*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>0300</MaxAgeSeconds>',
        '<AllowedOrigin>*</AllowedOrigin><AllowedMethod>HEAD</AllowedMethod>',
      ),
    );
    expect(config).toEqual({
      rules: [
        {
          id: 'site',
          allowedOrigins: ['https://example.com', 'http://*.example.com'],
          allowedMethods: ['PUT', 'GET'],
          allowedHeaders: ['Content-Type', 'x-amz-*'],
          exposeHeaders: ['ETag'],
          maxAgeSeconds: 300,
        },
        { allowedOrigins: ['*'], allowedMethods: ['HEAD'], allowedHeaders: [], exposeHeaders: [] },
      ],
    } satisfies CorsConfiguration);
  });

  it('accepts 100 rules, an ID of 255 characters, an empty ID and an empty origin', () => {
    expect(parse(doc(...Array.from({ length: 100 }, () => MINIMAL))).rules).toHaveLength(100);
    expect(parse(doc(`${MINIMAL}<ID>${'a'.repeat(255)}</ID>`)).rules[0]!.id).toHaveLength(255);
    expect(parse(doc(`${MINIMAL}<ID/>`)).rules[0]!.id).toBe('');
    expect(parse(doc(`<AllowedOrigin></AllowedOrigin>${METHOD}`)).rules[0]!.allowedOrigins).toEqual(['']);
  });

  it.each([
    ['no rule', doc()],
    ['an empty root', '<CORSConfiguration/>'],
    ['101 rules', doc(...Array.from({ length: 101 }, () => MINIMAL))],
    ['an empty rule', doc('')],
    ['a rule without AllowedOrigin', doc(METHOD)],
    ['a rule without AllowedMethod', doc(ORIGIN)],
    ['a later rule without AllowedMethod', doc(MINIMAL, ORIGIN)],
    ['an unknown element', doc(`${MINIMAL}<AllowedHeaders>*</AllowedHeaders>`)],
    ['an element in a value', doc(`<AllowedOrigin><Origin>*</Origin></AllowedOrigin>${METHOD}`)],
    ['an ID of 256 characters', doc(`${MINIMAL}<ID>${'a'.repeat(256)}</ID>`)],
    ['two IDs', doc(`${MINIMAL}<ID>a</ID><ID>b</ID>`)],
    ['MaxAgeSeconds below zero', doc(`${MINIMAL}<MaxAgeSeconds>-1</MaxAgeSeconds>`)],
    ['MaxAgeSeconds empty', doc(`${MINIMAL}<MaxAgeSeconds></MaxAgeSeconds>`)],
    ['MaxAgeSeconds a fraction', doc(`${MINIMAL}<MaxAgeSeconds>1.5</MaxAgeSeconds>`)],
    ['MaxAgeSeconds beyond 32 bits', doc(`${MINIMAL}<MaxAgeSeconds>2147483648</MaxAgeSeconds>`)],
    ['two MaxAgeSeconds', doc(`${MINIMAL}<MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>1</MaxAgeSeconds>`)],
    ['a rule with a bad method and no origin (schema first)', doc('<AllowedMethod>PATCH</AllowedMethod>')],
    ['another root element', `<CORSRules><CORSRule>${MINIMAL}</CORSRule></CORSRules>`],
  ])('%s is MalformedXML', (_, xml) => {
    expect(failure(xml)?.code).toBe('MalformedXML');
  });

  it.each([
    ['PATCH', 'Found unsupported HTTP method in CORS config. Unsupported method is PATCH'],
    ['get', 'Found unsupported HTTP method in CORS config. Unsupported method is get'],
    ['OPTIONS', 'Found unsupported HTTP method in CORS config. Unsupported method is OPTIONS'],
    ['', 'Found unsupported HTTP method in CORS config. Unsupported method is '],
  ])('AllowedMethod %j is InvalidRequest', (method, message) => {
    expect(failure(doc(`${MINIMAL}<AllowedMethod>${method}</AllowedMethod>`))).toEqual({
      code: 'InvalidRequest',
      message,
    });
  });

  it.each([
    [
      '<AllowedOrigin>http://*.*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>',
      'AllowedOrigin "http://*.*" can not have more than one wildcard.',
    ],
    [
      `${MINIMAL}<AllowedHeader>x-*-*</AllowedHeader>`,
      'AllowedHeader "x-*-*" can not have more than one wildcard.',
    ],
    [
      `${MINIMAL}<ExposeHeader>x-amz-*</ExposeHeader>`,
      'ExposeHeader "x-amz-*" contains wildcard. We currently do not support wildcard for ExposeHeader.',
    ],
  ])('%s is InvalidRequest', (rule, message) => {
    expect(failure(doc(MINIMAL, rule))).toEqual({ code: 'InvalidRequest', message });
  });

  it('checks methods before origins before headers, rule by rule', () => {
    const badAll =
      '<ExposeHeader>*</ExposeHeader><AllowedHeader>**</AllowedHeader><AllowedOrigin>**</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod>';
    expect(failure(doc(badAll))?.message).toMatch(/^Found unsupported HTTP method/);
    expect(
      failure(doc(`<AllowedHeader>**</AllowedHeader><AllowedOrigin>**</AllowedOrigin>${METHOD}`))?.message,
    ).toMatch(/^AllowedOrigin/);
    expect(
      failure(
        doc(`${MINIMAL}<ExposeHeader>*</ExposeHeader>`, `${ORIGIN}<AllowedMethod>PATCH</AllowedMethod>`),
      )?.message,
    ).toMatch(/^ExposeHeader/);
  });
});

describe('renderCors', () => {
  it("writes S3's element order and reads back the same configuration", () => {
    const config = parse(
      doc(
        '<MaxAgeSeconds>5</MaxAgeSeconds><ExposeHeader>ETag</ExposeHeader><AllowedHeader>*</AllowedHeader>' +
          '<AllowedOrigin>https://a.test?x=1&amp;y=2</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ID>r &lt;1&gt;</ID>',
        MINIMAL,
      ),
    );
    const xml = renderCors(config);
    expect(xml).toContain(
      '<CORSRule><ID>r &lt;1&gt;</ID><AllowedMethod>GET</AllowedMethod><AllowedOrigin>https://a.test?x=1&amp;y=2</AllowedOrigin>' +
        '<AllowedHeader>*</AllowedHeader><MaxAgeSeconds>5</MaxAgeSeconds><ExposeHeader>ETag</ExposeHeader></CORSRule>',
    );
    expect(parse(xml)).toEqual(config);
  });

  it('gives an empty ID back', () => {
    expect(renderCors(parse(doc(`<ID></ID>${MINIMAL}`)))).toContain('<CORSRule><ID></ID><AllowedMethod>');
  });
});
