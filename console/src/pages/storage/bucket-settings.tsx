import { PageHeader } from '../../ui/index.js';
import type { PageProps } from '../types.js';
import { ObjectLockSection, PublicAccessSection, VersioningSection } from './settings-basic.js';
import { CorsSection, PolicySection } from './settings-documents.js';
import { LifecycleSection } from './settings-lifecycle.js';

/** #/buckets/:bucket: versioning, object lock, lifecycle, policy, CORS and public access block. */
export function BucketSettingsPage({ params }: PageProps) {
  const bucket = params.bucket ?? '';
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <a href="#/buckets">Buckets</a> / <span aria-current="page">{bucket}</span>
      </nav>
      <PageHeader title={`Bucket ${bucket}`}>
        <a className="button" href={`#/browse/${encodeURIComponent(bucket)}`}>
          Browse objects
        </a>
      </PageHeader>
      <div className="settings">
        <VersioningSection bucket={bucket} />
        <ObjectLockSection bucket={bucket} />
        <LifecycleSection bucket={bucket} />
        <PolicySection bucket={bucket} />
        <CorsSection bucket={bucket} />
        <PublicAccessSection bucket={bucket} />
      </div>
    </>
  );
}
