import type { PageDef } from '../types.js';

/** Users, groups, policies, service accounts, roles, identity providers, accounts, simulator, audit, metrics. */
export const adminPages: PageDef[] = [];
