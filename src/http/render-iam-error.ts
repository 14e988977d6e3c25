import { escapeXml, type TesseraError } from '../core/index.js';

/** The namespace of IAM Query API documents (error responses included). */
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

/**
 * Renders an IAM Query API error as AWS does: `Type` is `Sender` for the caller's mistakes and
 * `Receiver` for server failures (5xx). The HTTP status is `err.status`.
 * @example renderIamError(new TesseraError('NoSuchEntity', 'The user with name bob cannot be found.'), 'REQ1')
 */
export function renderIamError(err: TesseraError, requestId: string): string {
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<ErrorResponse xmlns="${IAM_NS}"><Error><Type>${type}</Type><Code>${err.code}</Code>` +
    `<Message>${escapeXml(err.message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}
