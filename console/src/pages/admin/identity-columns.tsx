import type { Column } from '../../ui/index.js';
import { href, Status, When } from './common.js';

/** What users and groups have alike. */
export interface Identity {
  name: string;
  status: string;
  arn: string;
  created: string;
}

/** The columns of a list of users or groups: the name (a link to its page), status, ARN and creation. */
export function identityColumns<T extends Identity>(route: 'users' | 'groups'): Column<T>[] {
  return [
    { header: 'Name', cell: (r) => <a href={href(route, r.name)}>{r.name}</a> },
    { header: 'Status', cell: (r) => <Status value={r.status} /> },
    { header: 'ARN', cell: (r) => <code className="arn">{r.arn}</code> },
    { header: 'Created', cell: (r) => <When iso={r.created} /> },
  ];
}
