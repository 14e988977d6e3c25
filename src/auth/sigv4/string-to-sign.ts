import { EMPTY_SHA256, sha256Hex } from '../../core/index.js';

/** "AWS4-HMAC-SHA256\n<timestamp>\n<scope>\n<hex(sha256(canonical request))>" */
export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return 'AWS4-HMAC-SHA256\n' + amzDate + '\n' + scope + '\n' + sha256Hex(canonicalRequest);
}

/** Each aws-chunked chunk: "AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n<prev sig>\n<sha256('')>\n<sha256(chunk)>" */
export function chunkStringToSign(
  amzDate: string,
  scope: string,
  previous: string,
  chunkHash: string,
): string {
  return (
    'AWS4-HMAC-SHA256-PAYLOAD\n' +
    amzDate +
    '\n' +
    scope +
    '\n' +
    previous +
    '\n' +
    EMPTY_SHA256 +
    '\n' +
    chunkHash
  );
}

/** The trailer: "AWS4-HMAC-SHA256-TRAILER\n<date>\n<scope>\n<prev sig>\n<sha256(trailer lines)>" */
export function trailerStringToSign(
  amzDate: string,
  scope: string,
  previous: string,
  trailerHash: string,
): string {
  return 'AWS4-HMAC-SHA256-TRAILER\n' + amzDate + '\n' + scope + '\n' + previous + '\n' + trailerHash;
}
