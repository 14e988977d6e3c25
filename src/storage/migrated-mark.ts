import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The mark `tessera migrate` leaves in a data directory once its metadata lives in PostgreSQL
 * (docs/migrate.md): `<dataDir>/.tessera/migrated-to-postgres.json`. An embedded server refuses
 * to open such a directory, because its start-up recovery would delete every blob written in
 * shared mode since (its SQLite database references none of them).
 */
const MARK = 'migrated-to-postgres.json';

export interface MigratedMark {
  /** The target, its password masked. */
  to: string;
  at: string;
}

function markPath(dataDir: string): string {
  return join(dataDir, '.tessera', MARK);
}

export function writeMigratedMark(dataDir: string, mark: MigratedMark): void {
  writeFileSync(markPath(dataDir), `${JSON.stringify(mark, null, 2)}\n`, { mode: 0o644 });
}

/** Throws when `dataDir` was migrated to PostgreSQL: an embedded server must not open it. */
export function refuseIfMigrated(dataDir: string): void {
  const path = markPath(dataDir);
  if (!existsSync(path)) return;
  let to = 'PostgreSQL';
  try {
    to = (JSON.parse(readFileSync(path, 'utf8')) as MigratedMark).to ?? to;
  } catch {
    // an unreadable mark still refuses
  }
  throw new Error(
    `${dataDir} was migrated to ${to} (tessera migrate): start the server with TESSERA_METADATA_URL. ` +
      `Opening it embedded would delete the blobs written in shared mode; to go back to the embedded ` +
      `store anyway, remove ${path} first (docs/migrate.md).`,
  );
}
