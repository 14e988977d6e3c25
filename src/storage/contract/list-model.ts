/**
 * A naive model of S3 listing, written for obviousness rather than speed: the property tests
 * compare the stores against it.
 */
export interface ModelQuery {
  prefix: string;
  delimiter: string;
  after: string;
  maxKeys: number;
}

export interface ModelResult {
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextAfter?: string;
}

/** S3's order: UTF-8 bytes. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Every key that starts with the prefix and sorts after `after` becomes an entry: itself, or,
 * when the rest of it after the prefix contains the delimiter, prefix + rest up to and
 * including the first delimiter. Entries are distinct, sorted, and all > `after`.
 */
export function modelList(allKeys: Iterable<string>, q: ModelQuery): ModelResult {
  const entries: { value: string; isPrefix: boolean }[] = [];
  for (const key of [...allKeys].sort(byteOrder)) {
    if (!key.startsWith(q.prefix) || byteOrder(key, q.after) <= 0) continue;
    const rest = key.slice(q.prefix.length);
    const at = q.delimiter === '' ? -1 : rest.indexOf(q.delimiter);
    const entry =
      at < 0
        ? { value: key, isPrefix: false }
        : { value: q.prefix + rest.slice(0, at + q.delimiter.length), isPrefix: true };
    if (byteOrder(entry.value, q.after) <= 0) continue;
    if (entries.some((e) => e.value === entry.value && e.isPrefix === entry.isPrefix)) continue;
    entries.push(entry);
  }
  const page = entries.slice(0, Math.max(0, q.maxKeys));
  const result: ModelResult = {
    keys: page.filter((e) => !e.isPrefix).map((e) => e.value),
    commonPrefixes: page.filter((e) => e.isPrefix).map((e) => e.value),
    isTruncated: entries.length > page.length && q.maxKeys > 0,
  };
  if (result.isTruncated) result.nextAfter = page[page.length - 1]!.value;
  return result;
}
