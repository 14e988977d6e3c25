import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { formatAmzDate } from '../../core/index.js';
import { createPayloadHashCheck } from '../payload-hash.js';
import { encodeAwsChunked, signHeader } from '../test-signer.js';
import { createChunkedDecoder } from './chunked-decoder.js';

const creds = { accessKey: 'AKIDEXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

function signedBody(chunks: Buffer[]) {
  const amzDate = formatAmzDate(Date.now());
  const signed = signHeader(
    { method: 'PUT', rawPath: '/b/k', headers: { host: 'example.com' } },
    creds,
    amzDate,
    'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  );
  const body = encodeAwsChunked(chunks, {
    signing: { signingKey: signed.signingKey, amzDate, scope: signed.scope, seed: signed.signature },
  });
  const decoder = createChunkedDecoder({
    signing: { signingKey: signed.signingKey, amzDate, scope: signed.scope, seedSignature: signed.signature },
    trailers: [],
    signedTrailer: false,
  });
  return { body, decoder };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const tick = () => new Promise((r) => setImmediate(r));

describe('handing the SHA-256 of aws-chunked chunks over', () => {
  it('announces each chunk end, holds the end of the stream until every hash verified', async () => {
    const chunks = [randomBytes(1000), randomBytes(2000), randomBytes(30)];
    const { body, decoder } = signedBody(chunks);
    const ends: number[] = [];
    let total: number | undefined;
    const handover = decoder.handOverSha256({ segment: (e) => ends.push(e), last: (t) => (total = t) });
    expect(handover?.from).toBe(0);
    decoder.on('data', () => {});
    decoder.end(body);
    await tick();
    expect(ends).toEqual([1000, 3000, 3030]);
    expect(total).toBe(3030);
    expect(decoder.readableEnded).toBe(false);
    for (const c of chunks) handover!.hashed(sha256(c));
    await once(decoder, 'end');
  });

  it('fails with SignatureDoesNotMatch when a reported hash does not match the chunk signature', async () => {
    const chunks = [randomBytes(1000), randomBytes(10)];
    const { body, decoder } = signedBody(chunks);
    const handover = decoder.handOverSha256({ segment: () => {}, last: () => {} })!;
    decoder.on('data', () => {});
    decoder.end(body);
    await tick();
    handover.hashed(sha256(chunks[0]!));
    handover.hashed(sha256(Buffer.from('something else')));
    const [error] = await once(decoder, 'error');
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('is refused once the stream is read, or for unsigned chunks', () => {
    const check = createPayloadHashCheck(sha256(Buffer.from('ab')));
    check.write(Buffer.from('a'));
    check.read();
    expect(check.handOverSha256({ segment: () => {}, last: () => {} })).toBeUndefined();
    const unsigned = createChunkedDecoder({ trailers: [], signedTrailer: false });
    expect(unsigned.handOverSha256({ segment: () => {}, last: () => {} })).toBeUndefined();
  });
});
