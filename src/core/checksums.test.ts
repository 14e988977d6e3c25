import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CHECKSUM_ALGORITHMS,
  checksumAlgorithmOfHeader,
  checksumBase64,
  compositeChecksum,
  createChecksum,
  decodeChecksum,
} from './checksums.js';
import { TesseraError } from './errors.js';

const CHECK = Buffer.from('123456789');

describe('checksums', () => {
  it.each([
    ['CRC32', 'cbf43926'],
    ['CRC32C', 'e3069283'],
    ['CRC64NVME', 'ae8b14860a799888'],
    ['SHA1', createHash('sha1').update(CHECK).digest('hex')],
    ['SHA256', createHash('sha256').update(CHECK).digest('hex')],
    ['MD5', createHash('md5').update(CHECK).digest('hex')],
  ] as const)('%s of "123456789" is the check value', (alg, hex) => {
    const c = createChecksum(alg);
    c.update(CHECK);
    expect(c.digest().toString('hex')).toBe(hex);
  });

  it('matches known S3 values (CRC32 of "hello", empty CRC32)', () => {
    expect(checksumBase64('CRC32', Buffer.from('hello'))).toBe('NhCmhg==');
    expect(checksumBase64('CRC32', Buffer.alloc(0))).toBe('AAAAAA==');
    expect(checksumBase64('CRC32C', Buffer.alloc(0))).toBe('AAAAAA==');
    expect(checksumBase64('CRC64NVME', Buffer.alloc(0))).toBe('AAAAAAAAAAA=');
  });

  it('gives the same digest however the input is split (slicing paths and tails)', () => {
    const data = Buffer.alloc(1000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
    for (const alg of CHECKSUM_ALGORITHMS) {
      const whole = checksumBase64(alg, data);
      for (const step of [1, 3, 7, 8, 9, 64, 333]) {
        const c = createChecksum(alg);
        for (let i = 0; i < data.length; i += step) c.update(data.subarray(i, i + step));
        expect(c.digest().toString('base64'), `${alg} step ${step}`).toBe(whole);
      }
    }
  });

  it('builds composite checksums as checksum-of-checksums plus -N', () => {
    const parts = [Buffer.from('part one'), Buffer.from('part two')];
    const partSums = parts.map((p) => checksumBase64('CRC32C', p));
    const raw = Buffer.concat(partSums.map((s) => Buffer.from(s, 'base64')));
    expect(compositeChecksum('CRC32C', partSums)).toBe(`${checksumBase64('CRC32C', raw)}-2`);
  });

  it('rejects malformed checksum values with InvalidDigest', () => {
    expect(decodeChecksum('CRC32', 'NhCmhg==').toString('hex')).toBe('3610a686');
    for (const bad of ['NhCmhg=', 'NhCmhgAA', '!!!!!!==', 'AAAAAAAAAAA=']) {
      expect(() => decodeChecksum('CRC32', bad)).toThrow(TesseraError);
      try {
        decodeChecksum('CRC32', bad);
      } catch (e) {
        expect((e as TesseraError).code).toBe('InvalidDigest');
      }
    }
  });

  it('maps header names to algorithms', () => {
    expect(checksumAlgorithmOfHeader('x-amz-checksum-crc64nvme')).toBe('CRC64NVME');
    expect(checksumAlgorithmOfHeader('x-amz-checksum-md5')).toBeUndefined();
    expect(checksumAlgorithmOfHeader('x-amz-checksum-')).toBeUndefined();
  });
});
