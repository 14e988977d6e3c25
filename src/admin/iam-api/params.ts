import { TesseraError } from '../../core/index.js';

/**
 * The form parameters of one IAM Query API call, in AWS's query-protocol encoding: scalars by
 * name, lists as `Name.member.N`, structures in lists as `Name.member.N.Field`.
 * Missing or malformed parameters are ValidationError, as AWS answers them.
 */
export class Params {
  constructor(private readonly p: URLSearchParams) {}

  /** A parameter that may be absent; '' counts as absent. */
  optional(name: string): string | undefined {
    const v = this.p.get(name);
    return v === null || v === '' ? undefined : v;
  }

  /**
   * A parameter as sent, '' included (undefined only when absent): for extensions where an empty
   * value means "remove" (UpdateAccessKey's `Policy=`).
   */
  present(name: string): string | undefined {
    return this.p.get(name) ?? undefined;
  }

  /** AWS: "1 validation error detected: Value null at 'userName' failed to satisfy constraint". */
  required(name: string): string {
    const v = this.optional(name);
    if (v === undefined) {
      throw new TesseraError(
        'ValidationError',
        `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return v;
  }

  /** `true` / `false` (any case); undefined when absent. */
  bool(name: string): boolean | undefined {
    const v = this.optional(name);
    if (v === undefined) return undefined;
    const lower = v.toLowerCase();
    if (lower !== 'true' && lower !== 'false') {
      throw new TesseraError('ValidationError', `${name} must be true or false.`);
    }
    return lower === 'true';
  }

  /** An integer within [min, max]; undefined when absent. */
  int(name: string, min: number, max: number): number | undefined {
    const v = this.optional(name);
    if (v === undefined) return undefined;
    const n = /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new TesseraError(
        'ValidationError',
        `1 validation error detected: Value '${v.slice(0, 40)}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
      );
    }
    return n;
  }

  /** One of `allowed`; undefined when absent. */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.optional(name);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) {
      throw new TesseraError(
        'ValidationError',
        `1 validation error detected: Value '${v.slice(0, 40)}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
      );
    }
    return v as T;
  }

  /** One of `allowed`, required. */
  requiredOneOf<T extends string>(name: string, allowed: readonly T[]): T {
    this.required(name);
    return this.oneOf(name, allowed)!;
  }

  /** `Name.member.1`, `Name.member.2`, … in order of N. */
  list(name: string): string[] {
    const out: [number, string][] = [];
    const prefix = `${name}.member.`;
    for (const [k, v] of this.p) {
      if (!k.startsWith(prefix)) continue;
      const n = k.slice(prefix.length);
      if (/^[1-9]\d{0,5}$/.test(n)) out.push([Number(n), v]);
    }
    return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }

  /** `Name.member.N.Field…` grouped by N (in order), each as its own Params. */
  structs(name: string): Params[] {
    const groups = new Map<number, URLSearchParams>();
    const prefix = `${name}.member.`;
    for (const [k, v] of this.p) {
      if (!k.startsWith(prefix)) continue;
      const m = /^([1-9]\d{0,5})\.(.+)$/.exec(k.slice(prefix.length));
      if (m === null) continue;
      const n = Number(m[1]);
      let g = groups.get(n);
      if (g === undefined) groups.set(n, (g = new URLSearchParams()));
      g.append(m[2]!, v);
    }
    return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => new Params(g));
  }

  /** `Tags.member.N.Key` / `.Value` (Value may be empty). */
  tags(name = 'Tags'): { key: string; value: string }[] {
    return this.structs(name).map((t) => ({ key: t.required('Key'), value: t.p.get('Value') ?? '' }));
  }

  /**
   * `Path` / `NewPath`: Tessera has no paths, so only `/` is accepted (InvalidInput otherwise,
   * rather than silently dropping the path).
   */
  rootPath(name: string): void {
    const v = this.optional(name);
    if (v !== undefined && v !== '/') {
      throw new TesseraError(
        'InvalidInput',
        `${name} ${JSON.stringify(v.slice(0, 80))} is not supported: Tessera supports only the path "/".`,
      );
    }
  }

  /** Refuses a parameter Tessera does not support, naming it. */
  unsupported(name: string, why: string): void {
    if (this.optional(name) !== undefined || this.list(name).length > 0 || this.structs(name).length > 0) {
      throw new TesseraError('InvalidInput', `${name} is not supported: ${why}`);
    }
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
