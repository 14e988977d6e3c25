import { DebugNote } from '../http/index.js';

/** TESSERA_LOG_LEVEL: how much the server log (JSON lines on stderr) says. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Secrets shorter than this are not masked (they would mangle ordinary words). */
const MIN_SECRET = 8;

/**
 * The server log. `log(message, err)` writes an error line with the error's stack; when `err` is
 * a DebugNote (a client that went away, stalled or sent garbage) it writes a debug line without
 * one, and only at level debug. Any of `secrets` that still reached a line is masked.
 */
export function createLog(
  level: LogLevel,
  secrets: readonly (string | undefined)[] = [],
  write: (line: string) => void = (line) => process.stderr.write(line),
): (message: string, err?: unknown) => void {
  const masked = secrets.filter((s): s is string => s !== undefined && s.length >= MIN_SECRET);
  const mask = (text: string) => masked.reduce((t, s) => t.split(s).join('[redacted]'), text);
  return (message, err) => {
    const debug = err instanceof DebugNote;
    if (RANK[debug ? 'debug' : 'error'] > RANK[level]) return;
    const time = new Date().toISOString();
    if (debug) {
      write(`${JSON.stringify({ level: 'debug', time, message: mask(message) })}\n`);
      return;
    }
    const detail = err instanceof Error ? (err.stack ?? err.message) : err === undefined ? '' : String(err);
    write(`${JSON.stringify({ level: 'error', time, message: mask(message), detail: mask(detail) })}\n`);
  };
}
