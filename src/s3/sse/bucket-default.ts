import { escapeXml, TesseraError, xmlList, xmlText } from '../../core/index.js';
import type { S3Deps } from '../context.js';
import type { VerifiedBody } from '../verified-body.js';
import { parseXmlBody } from '../xml-body.js';
import { kmsKeyName } from './request.js';

/** A bucket's default encryption (PutBucketEncryption): what writes without SSE headers get. */
export interface BucketEncryption {
  algorithm: 'AES256' | 'aws:kms';
  /** KMSMasterKeyID as given (aws:kms only); absent: the KMS's default key. */
  keyId?: string;
  bucketKeyEnabled?: boolean;
}

/**
 * `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>`
 * AES256 | aws:kms `</SSEAlgorithm>[<KMSMasterKeyID>…]</…></Rule>`: exactly one rule (S3 takes
 * one), MalformedXML otherwise; a KMSMasterKeyID with AES256 is InvalidArgument, as in AWS.
 */
export function parseBucketEncryption(body: VerifiedBody): BucketEncryption {
  const doc = parseXmlBody(body, 'ServerSideEncryptionConfiguration');
  const rules = xmlList(doc['Rule']);
  if (rules.length !== 1 || typeof rules[0] !== 'object' || rules[0] === null)
    throw new TesseraError('MalformedXML');
  const rule = rules[0] as Record<string, unknown>;
  const apply = rule['ApplyServerSideEncryptionByDefault'];
  if (typeof apply !== 'object' || apply === null) throw new TesseraError('MalformedXML');
  const fields = apply as Record<string, unknown>;
  const algorithm = xmlText(fields['SSEAlgorithm'])?.trim();
  const keyId = xmlText(fields['KMSMasterKeyID'])?.trim();
  const bucketKey = xmlText(rule['BucketKeyEnabled'])?.trim();
  if (algorithm !== 'AES256' && algorithm !== 'aws:kms')
    throw new TesseraError('MalformedXML', 'The SSEAlgorithm must be AES256 or aws:kms.');
  if (bucketKey !== undefined && bucketKey !== 'true' && bucketKey !== 'false')
    throw new TesseraError('MalformedXML');
  if (algorithm === 'AES256' && keyId !== undefined && keyId !== '')
    throw new TesseraError(
      'InvalidArgument',
      'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms',
    );
  const config: BucketEncryption = { algorithm };
  if (keyId !== undefined && keyId !== '') config.keyId = keyId;
  if (bucketKey === 'true') config.bucketKeyEnabled = true;
  return config;
}

export function renderBucketEncryption(c: BucketEncryption): string {
  const key = c.keyId === undefined ? '' : `<KMSMasterKeyID>${escapeXml(c.keyId)}</KMSMasterKeyID>`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>' +
    `<ApplyServerSideEncryptionByDefault><SSEAlgorithm>${c.algorithm}</SSEAlgorithm>${key}` +
    `</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>${c.bucketKeyEnabled === true}</BucketKeyEnabled>` +
    '</Rule></ServerSideEncryptionConfiguration>'
  );
}

/** The bucket's default encryption; undefined when it has none. NoSuchBucket. */
export async function bucketEncryption(deps: S3Deps, bucket: string): Promise<BucketEncryption | undefined> {
  const doc = await deps.metadata.getBucketConfig(bucket, 'encryption');
  return doc === undefined ? undefined : (JSON.parse(doc) as BucketEncryption);
}

/** The KMS key name a configuration's KMSMasterKeyID names. */
export function bucketKeyName(c: BucketEncryption): string | undefined {
  return c.keyId === undefined ? undefined : kmsKeyName(c.keyId);
}
