import { navPage } from '../nav-page.js';
import type { PageDef } from '../types.js';
import { AccountsPage } from './accounts.js';
import { AuditPage } from './audit.js';
import { GroupPage, GroupsPage } from './groups.js';
import { IdentityProvidersPage } from './identity-providers.js';
import { MetricsPage } from './metrics.js';
import { NewPolicyPage, PoliciesPage, PolicyPage } from './policies.js';
import { NewRolePage, RolePage, RolesPage } from './roles.js';
import { ServiceAccountsPage } from './service-accounts.js';
import { SimulatorPage } from './simulator.js';
import { UserPage } from './user.js';
import { UsersPage } from './users.js';

/** Users, groups, policies, service accounts, roles, identity providers, accounts, simulator, audit, metrics. */
export const adminPages: PageDef[] = [
  navPage('Identity', '/users', 'Users', UsersPage),
  { route: '/users/:name', title: 'User', component: UserPage },
  navPage('Identity', '/groups', 'Groups', GroupsPage),
  { route: '/groups/:name', title: 'Group', component: GroupPage },
  navPage('Identity', '/service-accounts', 'Service accounts', ServiceAccountsPage),
  navPage('Identity', '/roles', 'Roles', RolesPage),
  { route: '/roles-new', title: 'Create role', component: NewRolePage },
  { route: '/roles/:name', title: 'Role', component: RolePage },
  navPage('Identity', '/identity-providers', 'Identity providers', IdentityProvidersPage),
  navPage('Security', '/policies', 'Policies', PoliciesPage),
  { route: '/policies-new', title: 'Create policy', component: NewPolicyPage },
  { route: '/policies/:name', title: 'Policy', component: PolicyPage },
  navPage('Security', '/simulator', 'Policy simulator', SimulatorPage),
  navPage('Security', '/audit', 'Audit trail', AuditPage),
  navPage('Server', '/accounts', 'Accounts', AccountsPage),
  navPage('Server', '/metrics', 'Metrics', MetricsPage),
];
