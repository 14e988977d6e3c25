import { describe, expect, it } from 'vitest';
import { renderLifecycle } from './render.js';

describe('renderLifecycle', () => {
  it('renders the S3 document: namespace, the rule as written, dates in ISO 8601', () => {
    const xml = renderLifecycle({
      transitionMinimumSize: 'all_storage_classes_128K',
      rules: [
        {
          id: 'a&b',
          enabled: true,
          scope: { kind: 'filter', filter: { kind: 'all' } },
          expiration: { kind: 'date', date: Date.UTC(2030, 0, 1) },
          transitions: [{ when: { kind: 'date', date: Date.UTC(2029, 0, 1) }, storageClass: 'GLACIER' }],
          noncurrentTransitions: [],
        },
        {
          id: 'v1',
          enabled: false,
          scope: { kind: 'prefix', prefix: 'logs/' },
          expiration: { kind: 'deleteMarker', expired: false },
          transitions: [],
          noncurrentTransitions: [{ noncurrentDays: 30, storageClass: 'ONEZONE_IA' }],
          abortAfterDays: 3,
        },
      ],
    });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Rule><Expiration><Date>2030-01-01T00:00:00.000Z</Date></Expiration><ID>a&amp;b</ID><Filter></Filter>' +
        '<Status>Enabled</Status><Transition><Date>2029-01-01T00:00:00.000Z</Date><StorageClass>GLACIER</StorageClass></Transition></Rule>' +
        '<Rule><Expiration><ExpiredObjectDeleteMarker>false</ExpiredObjectDeleteMarker></Expiration><ID>v1</ID>' +
        '<Prefix>logs/</Prefix><Status>Disabled</Status>' +
        '<NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>ONEZONE_IA</StorageClass></NoncurrentVersionTransition>' +
        '<AbortIncompleteMultipartUpload><DaysAfterInitiation>3</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>' +
        '</LifecycleConfiguration>',
    );
  });
});
