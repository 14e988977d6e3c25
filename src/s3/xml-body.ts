import { TesseraError } from '../core/index.js';
import type { S3Request } from './context.js';

/** Upper bound for XML request bodies (CompleteMultipartUpload with 10,000 parts fits). */
export const MAX_XML_BODY = 2 * 1024 * 1024;

/** Reads a small XML request body into a string, refusing bodies over the limit. */
export async function readXmlBody(req: S3Request, limit = MAX_XML_BODY): Promise<string> {
  if (req.contentLength !== undefined && req.contentLength > limit)
    throw new TesseraError('MaxMessageLengthExceeded');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.body.destroy();
      throw new TesseraError('MaxMessageLengthExceeded');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
