import { Readable } from 'node:stream';
import { TesseraError } from '../../core/index.js';
import { parseHeaderParams } from './disposition.js';
import { MultipartReader, malformedPost } from './multipart.js';

/**
 * "The form fields other than the file … are limited to 20 KB": the body before the file's
 * content (delimiters and part headers included) may be at most this long.
 */
export const MAX_PRE_DATA = 20 * 1024;
/** The most fields a form may carry before its file (the byte limit bounds them too). */
export const MAX_FIELDS = 256;

/** A form field as sent: its name's spelling, and its value as UTF-8 text. */
export interface PostFormField {
  readonly name: string;
  readonly value: string;
}

/** The file part: its filename parameter (when it has one), its Content-Type, its content. */
export interface PostFile {
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
  /** Streams the content as it arrives; errors with MalformedPOSTRequest if the body is cut. */
  readonly body: Readable;
}

/** The fields before the file, in order, and the file (undefined: the form had none). */
export interface PostForm {
  readonly fields: readonly PostFormField[];
  readonly file: PostFile | undefined;
}

function tooLarge(): TesseraError {
  return new TesseraError('MaxPostPreDataLengthExceeded', undefined, {
    MaxPostPreDataLengthBytes: MAX_PRE_DATA,
  });
}

/** A part's name and filename from its Content-Disposition; MalformedPOSTRequest without one. */
function disposition(headers: ReadonlyMap<string, string>) {
  const value = headers.get('content-disposition');
  const parsed = value === undefined ? undefined : parseHeaderParams(value);
  const name = parsed?.params.get('name');
  if (parsed === undefined || name === undefined) throw malformedPost();
  return { formData: parsed.type === 'form-data', name, filename: parsed.params.get('filename') };
}

/** The file's content; once it has ended, the rest of the body is read and dropped. */
async function* fileBody(reader: MultipartReader): AsyncGenerator<Buffer, void, undefined> {
  yield* reader.body();
  void reader.discardRest();
}

/**
 * Reads a POST Object body up to its file: every field before it (bounded: MAX_PRE_DATA bytes,
 * MAX_FIELDS fields), then the file as a stream, pulled only as the caller reads it. The file is
 * the `form-data` part named `file` (any case), whatever its filename; "fields after the file
 * are ignored", so nothing after it is read. Throws MalformedPOSTRequest,
 * MaxPostPreDataLengthExceeded.
 * @example const { fields, file } = await readPostForm(req.body, boundary)
 */
export async function readPostForm(source: Readable, boundary: string): Promise<PostForm> {
  const reader = new MultipartReader(source, boundary);
  const fields: PostFormField[] = [];
  for (;;) {
    const headers = await reader.nextPart();
    if (headers === undefined) return { fields, file: undefined };
    if (reader.position > MAX_PRE_DATA) throw tooLarge();
    const part = disposition(headers);
    if (part.formData && part.name.toLowerCase() === 'file') {
      const file: PostFile = {
        filename: part.filename,
        contentType: headers.get('content-type'),
        body: Readable.from(fileBody(reader), { objectMode: false }),
      };
      return { fields, file };
    }
    if (fields.length >= MAX_FIELDS) throw tooLarge();
    const chunks: Buffer[] = [];
    for await (const chunk of reader.body()) {
      if (reader.position > MAX_PRE_DATA) throw tooLarge();
      chunks.push(chunk);
    }
    fields.push({ name: part.name, value: Buffer.concat(chunks).toString('utf8') });
  }
}
