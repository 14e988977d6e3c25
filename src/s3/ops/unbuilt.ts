import { TesseraError } from '../../core/index.js';
import type { OperationBase, Spec } from '../operation.js';

/** Bucket sub-resources S3 has that Tessera does not serve yet: answered NotImplemented. */
export const UNBUILT_BUCKET_SUBRESOURCES: readonly string[] = [
  'notification',
  'replication',
  'website',
  'logging',
  'accelerate',
  'requestPayment',
  'analytics',
  'metrics',
  'inventory',
  'intelligent-tiering',
];

/** Object sub-resources S3 has that Tessera does not serve yet. */
export const UNBUILT_OBJECT_SUBRESOURCES: readonly string[] = ['torrent', 'restore', 'select'];

/**
 * A request for something S3 has and Tessera does not serve yet: any method with one of the
 * sub-resources above (the router checks them first), and the routes below. It asks no check —
 * authorization refuses it to anonymous callers — and answers NotImplemented.
 */
export interface NotImplemented extends OperationBase<'NotImplemented'> {
  readonly bucket?: string;
  readonly key?: string;
}

export const notImplementedSpec: Spec<NotImplemented> = {
  name: 'NotImplemented',
  routes: [{ method: 'POST', target: 'object' }],
  actions: [],
  checks: () => [],
  handle: async () => {
    throw new TesseraError('NotImplemented');
  },
};
