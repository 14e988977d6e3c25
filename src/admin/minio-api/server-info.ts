import { type Call, collection, type Handler, json } from './call.js';

/**
 * What the deployment knows about itself, for `info` and `accountinfo` (wired by cli/compose:
 * the storage layer is not admin's to import).
 */
export interface ServerFacts {
  /** MinIO's deploymentID (the data directory's id). */
  readonly deploymentId: string;
  readonly region: string;
  readonly version: string;
  /** When this process started (epoch ms). */
  readonly startedAt: number;
  /** Whether LDAP directories are configured. */
  readonly ldap: boolean;
  /** The buckets of an account ('' the default one). */
  buckets(account: string): Promise<readonly { name: string; createdAt: number }[]>;
}

/**
 * MinIO's `info` (madmin.InfoMessage, `mc admin info`; admin:ServerInfo): one server, online,
 * the buckets it holds. Tessera keeps no object counts (MinIO's come from its scanner), so
 * `objects`, `versions` and `usage` carry madmin's `error` field saying so rather than a guessed 0.
 */
export const serverInfo: Handler = async (call: Call) => {
  const facts = call.server;
  await call.authorize({ action: 'admin:ServerInfo', target: collection('*'), admin: [] });
  const buckets = facts === undefined ? [] : await facts.buckets(call.account);
  const notCounted = 'Tessera does not count objects';
  const host = call.req.host ?? '';
  return json({
    mode: 'online',
    ...(facts === undefined ? {} : { region: facts.region, deploymentID: facts.deploymentId }),
    buckets: { count: buckets.length },
    objects: { count: 0, error: notCounted },
    versions: { count: 0, error: notCounted },
    usage: { size: 0, error: notCounted },
    services: facts?.ldap === true ? { ldap: { status: 'Configured' } } : {},
    backend: { backendType: 'FS' },
    servers: [
      {
        state: 'online',
        endpoint: host,
        scheme: call.req.secure === true ? 'https' : 'http',
        uptime: facts === undefined ? 0 : Math.max(0, Math.floor((Date.now() - facts.startedAt) / 1000)),
        version: facts?.version ?? '',
        network: host === '' ? {} : { [host]: 'online' },
        mem_stats: {},
        runtime_version: `node ${process.versions.node}`,
      },
    ],
  });
};
