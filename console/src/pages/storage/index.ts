import { navPage } from '../nav-page.js';
import type { PageDef } from '../types.js';
import { ObjectBrowserPage } from './browser.js';
import { BucketSettingsPage } from './bucket-settings.js';
import { BucketsPage } from './buckets.js';

/** Buckets and the object browser. */
export const storagePages: PageDef[] = [
  navPage('Storage', '/buckets', 'Buckets', BucketsPage),
  { route: '/buckets/:bucket', title: 'Bucket settings', under: '/buckets', component: BucketSettingsPage },
  { route: '/browse/:bucket/*', title: 'Object browser', under: '/buckets', component: ObjectBrowserPage },
];
