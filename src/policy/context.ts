import type { ContextInput, ContextScalar } from './types.js';

function text(v: ContextScalar): string {
  return typeof v === 'string' ? v : String(v);
}

/**
 * A request's condition context, normalised once: keys lower-cased (condition keys are
 * case-insensitive), every value a list of strings. Build one per request and reuse it across
 * every policy evaluated for that request.
 * @example RequestContext.from({ 'aws:SourceIp': '10.0.0.1', 'aws:TagKeys': ['a', 'b'] })
 */
export class RequestContext {
  private readonly values: Map<string, readonly string[]>;

  private constructor(values: Map<string, readonly string[]>) {
    this.values = values;
  }

  /** Normalises raw input; a RequestContext is returned as is. Undefined values are dropped. */
  static from(input?: ContextInput | RequestContext): RequestContext {
    if (input instanceof RequestContext) return input;
    const values = new Map<string, readonly string[]>();
    if (input !== undefined) {
      for (const key of Object.keys(input)) {
        const v = input[key];
        if (v === undefined) continue;
        const list = Array.isArray(v)
          ? (v as readonly ContextScalar[]).map(text)
          : [text(v as ContextScalar)];
        const lower = key.toLowerCase();
        const prev = values.get(lower);
        values.set(lower, prev ? [...prev, ...list] : list);
      }
    }
    return new RequestContext(values);
  }

  /** The values of a key (pass it lower-cased), or undefined when absent or empty. */
  get(lowerKey: string): readonly string[] | undefined {
    const v = this.values.get(lowerKey);
    return v === undefined || v.length === 0 ? undefined : v;
  }

  /** True when the key is present with at least one value. */
  has(lowerKey: string): boolean {
    return this.get(lowerKey) !== undefined;
  }

  /** The (lower-cased) keys present. */
  keys(): string[] {
    return [...this.values.keys()];
  }
}
