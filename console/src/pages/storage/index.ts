import type { PageDef } from '../types.js';

/** Buckets and the object browser. */
export const storagePages: PageDef[] = [];
