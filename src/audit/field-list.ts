/**
 * Selected headers or query parameters of a request event, already redacted and clipped
 * (facts.ts): names and values side by side in one array (`[name0, value0, name1, …]`), in the
 * order they came. Cheaper to gather per request than an object with a field per name (no
 * hidden-class transitions, no own-property checks), and written into the entry's JSON as it
 * is (entry-json.ts). A name appears once: repeated query names are joined with ','.
 */
export class FieldList {
  readonly items: string[] = [];

  get size(): number {
    return this.items.length >> 1;
  }

  /** Adds a field, or (a name already here) appends `,value` to it. */
  add(name: string, value: string): void {
    const a = this.items;
    for (let i = 0; i < a.length; i += 2) {
      if (a[i] === name) {
        a[i + 1] = `${a[i + 1]},${value}`;
        return;
      }
    }
    a.push(name, value);
  }

  /** Adds a field whose name is known not to be here yet. */
  push(name: string, value: string): void {
    this.items.push(name, value);
  }

  get(name: string): string | undefined {
    const a = this.items;
    for (let i = 0; i < a.length; i += 2) if (a[i] === name) return a[i + 1];
    return undefined;
  }

  /** As a plain object (`__proto__` an own field like any other). */
  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    const a = this.items;
    for (let i = 0; i < a.length; i += 2) {
      const name = a[i]!;
      if (name === '__proto__')
        Object.defineProperty(out, name, {
          value: a[i + 1],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[name] = a[i + 1]!;
    }
    return out;
  }

  toJSON(): Record<string, string> {
    return this.toRecord();
  }
}

/** Headers or parameters of an event: a FieldList (already redacted), or a plain map (redacted when written). */
export type Fields = FieldList | Readonly<Record<string, string>>;

/** One field of either form. */
export function fieldOf(f: Fields, name: string): string | undefined {
  if (f instanceof FieldList) return f.get(name);
  return Object.hasOwn(f, name) ? (f as Record<string, string>)[name] : undefined;
}

/** Either form as a plain map. */
export function fieldsRecord(f: Fields): Readonly<Record<string, string>> {
  return f instanceof FieldList ? f.toRecord() : f;
}
