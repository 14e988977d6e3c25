/** Multipart uploads and their parts, as the metadata store keeps and lists them. */
import type { StoredAcl } from './acl-types.js';
import type { ObjectLock } from './lock-types.js';
import type { ChecksumAlgorithm, ChecksumType, ObjectEncryption, PartInfo, Tag } from './types.js';

export interface MultipartUploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  initiatedAt: number;
  contentType?: string;
  headers: Record<string, string>;
  userMetadata: Record<string, string>;
  tags: Tag[];
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
  /** Object Lock asked for at CreateMultipartUpload, given to the object at completion. */
  lock?: ObjectLock;
  /** The ACL asked for at CreateMultipartUpload, given to the object at completion. */
  acl?: StoredAcl;
  /** Server-side encryption of the parts, given to the object at completion. */
  sse?: ObjectEncryption;
}

export interface PartRecord extends PartInfo {
  uploadId: string;
  lastModified: number;
  blobId: string;
  /** The blob's CRC-32 (BlobSegment.crc32). */
  crc32?: number;
}

export interface ListUploadsQuery {
  bucket: string;
  prefix: string;
  delimiter: string;
  keyMarker: string;
  uploadIdMarker: string;
  maxUploads: number;
}

export interface ListUploadsResult {
  uploads: MultipartUploadRecord[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

export interface ListPartsQuery {
  uploadId: string;
  partNumberMarker: number;
  maxParts: number;
}

export interface ListPartsResult {
  parts: PartRecord[];
  isTruncated: boolean;
  nextPartNumberMarker?: number;
}
