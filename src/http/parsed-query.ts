import { unescape as qsUnescape } from 'node:querystring';
import type { URLSearchParamsIterator } from 'node:url';

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/**
 * Whether a component holds a '%' followed by two hex digits, as Node's parser decides it (a '+'
 * between them does not break the run).
 */
function hasEscape(c: string, from: number): boolean {
  let run = 0;
  for (let i = from; i < c.length; i++) {
    const code = c.charCodeAt(i);
    if (code === 43) continue;
    if (code === 37) run = 1;
    else if (run > 0) {
      if (!isHex(code)) run = 0;
      else if (++run === 3) return true;
    }
  }
  return false;
}

/**
 * One name or value decoded as Node's URLSearchParams decodes it: '+' is a space, and a component
 * with an escape goes through querystring's unescape (decodeURIComponent, or byte by byte when
 * that throws).
 */
function decodeComponent(c: string): string {
  const pct = c.indexOf('%');
  const spaced = c.indexOf('+') === -1 ? c : c.replaceAll('+', ' ');
  return pct !== -1 && hasEscape(c, pct) ? qsUnescape(spaced) : spaced;
}

/**
 * A request's query parameters, as `new URLSearchParams(rawQuery)` would have them (the same
 * names, values, order and decoding — a property test holds the two together), parsed with
 * indexOf and slices: Node's URLSearchParams parser walks the string in JavaScript a character at
 * a time, about a tenth of a presigned GET's cost. It is a URLSearchParams for every caller (the
 * same methods, the mutating ones too), so the request path's types stay as they are.
 */
export class ParsedQuery implements URLSearchParams {
  #names: string[] = [];
  #values: string[] = [];

  constructor(rawQuery: string) {
    if (rawQuery === '') return;
    let start = rawQuery.charCodeAt(0) === 63 ? 1 : 0; // a leading '?', as URLSearchParams drops it
    const n = rawQuery.length;
    while (start <= n) {
      let amp = rawQuery.indexOf('&', start);
      if (amp === -1) amp = n;
      if (amp > start) {
        const eq = rawQuery.indexOf('=', start);
        if (eq === -1 || eq > amp) {
          this.#names.push(decodeComponent(rawQuery.slice(start, amp)));
          this.#values.push('');
        } else {
          this.#names.push(decodeComponent(rawQuery.slice(start, eq)));
          this.#values.push(decodeComponent(rawQuery.slice(eq + 1, amp)));
        }
      }
      start = amp + 1;
    }
  }

  get size(): number {
    return this.#names.length;
  }

  get(name: string): string | null {
    const i = this.#names.indexOf(name);
    return i === -1 ? null : this.#values[i]!;
  }

  getAll(name: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.#names.length; i++) if (this.#names[i] === name) out.push(this.#values[i]!);
    return out;
  }

  has(name: string, value?: string): boolean {
    if (value === undefined) return this.#names.includes(name);
    for (let i = 0; i < this.#names.length; i++)
      if (this.#names[i] === name && this.#values[i] === value) return true;
    return false;
  }

  append(name: string, value: string): void {
    this.#names.push(`${name}`);
    this.#values.push(`${value}`);
  }

  delete(name: string, value?: string): void {
    for (let i = this.#names.length - 1; i >= 0; i--) {
      if (this.#names[i] === name && (value === undefined || this.#values[i] === value)) {
        this.#names.splice(i, 1);
        this.#values.splice(i, 1);
      }
    }
  }

  set(name: string, value: string): void {
    const i = this.#names.indexOf(name);
    if (i === -1) {
      this.append(name, value);
      return;
    }
    this.#values[i] = `${value}`;
    for (let j = this.#names.length - 1; j > i; j--) {
      if (this.#names[j] === name) {
        this.#names.splice(j, 1);
        this.#values.splice(j, 1);
      }
    }
  }

  sort(): void {
    const order = this.#names.map((_, i) => i);
    // Stable, by UTF-16 code units, as URLSearchParams sorts.
    order.sort((a, b) => {
      const x = this.#names[a]!;
      const y = this.#names[b]!;
      return x < y ? -1 : x > y ? 1 : a - b;
    });
    this.#names = order.map((i) => this.#names[i]!);
    this.#values = order.map((i) => this.#values[i]!);
  }

  toString(): string {
    return new URLSearchParams([...this.entries()]).toString();
  }

  forEach(callback: (value: string, key: string, parent: URLSearchParams) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.#names.length; i++)
      callback.call(thisArg, this.#values[i]!, this.#names[i]!, this);
  }

  *entries(): URLSearchParamsIterator<[string, string]> {
    for (let i = 0; i < this.#names.length; i++) yield [this.#names[i]!, this.#values[i]!];
  }

  *keys(): URLSearchParamsIterator<string> {
    for (let i = 0; i < this.#names.length; i++) yield this.#names[i]!;
  }

  *values(): URLSearchParamsIterator<string> {
    for (let i = 0; i < this.#values.length; i++) yield this.#values[i]!;
  }

  [Symbol.iterator](): URLSearchParamsIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'URLSearchParams';
  }
}
