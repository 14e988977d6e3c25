/**
 * Human-readable output of the admin commands: aligned columns, two spaces apart, no trailing
 * blanks. Control characters in values are shown escaped so that a name cannot forge output.
 */

/** A cell as printed: '-' for nothing, control characters escaped. */
export function cell(v: unknown): string {
  if (v === undefined || v === null || v === '') return '-';
  const s = Array.isArray(v) ? (v.length === 0 ? '-' : v.join(', ')) : String(v);
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Rows under a header, each column as wide as its widest cell.
 * @example table(['NAME', 'STATUS'], [['alice', 'enabled']]) === 'NAME   STATUS\nalice  enabled\n'
 */
export function table(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => head.map((_, i) => cell(r[i])));
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) =>
    `${c
      .map((x, i) => x.padEnd(width[i]!))
      .join('  ')
      .trimEnd()}\n`;
  return line(head) + cells.map(line).join('');
}

/**
 * `Label: value` lines with the values aligned; list values are joined with commas.
 * @example fields([['Name', 'alice'], ['Status', 'enabled']]) === 'Name:   alice\nStatus: enabled\n'
 */
export function fields(pairs: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length + 1));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width)} ${cell(v)}\n`).join('');
}
