import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../core/index.js';
import { renderIamError } from './render-iam-error.js';

const parse = (xml: string) =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml);

describe('renderIamError', () => {
  it("renders AWS's ErrorResponse: Sender for client errors, message escaped", () => {
    const xml = renderIamError(
      new TesseraError('NoSuchEntity', 'The user with name <bob> cannot be found.'),
      'R1',
    );
    expect(xml).toContain(
      '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>',
    );
    expect(parse(xml).ErrorResponse).toEqual({
      '@xmlns': 'https://iam.amazonaws.com/doc/2010-05-08/',
      Error: { Type: 'Sender', Code: 'NoSuchEntity', Message: 'The user with name <bob> cannot be found.' },
      RequestId: 'R1',
    });
  });

  it('uses Type Receiver for 5xx', () => {
    expect(parse(renderIamError(new TesseraError('InternalError'), 'R2')).ErrorResponse.Error.Type).toBe(
      'Receiver',
    );
    expect(parse(renderIamError(new TesseraError('ValidationError'), 'R3')).ErrorResponse.Error.Type).toBe(
      'Sender',
    );
  });
});
