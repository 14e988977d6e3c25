import { boundedPost, type PluginFetch } from '../../core/index.js';
import { Lru } from '../lru.js';
import { CLOCK_KEYS, type PolicyPluginInput } from './input.js';

/** MinIO's access management plugin (or OPA), as configured (docs/plugins.md). */
export interface PolicyPluginConfig {
  /** e.g. `http://opa:8181/v1/data/httpapi/authz/allow`. */
  readonly url: string;
  /** Sent as the Authorization header when set. */
  readonly authToken?: string;
  /** Time for one exchange with the plugin; past it the request is denied (default 2 s). */
  readonly timeoutMs: number;
  /** How long an answer is reused for the same input (0: never; default 1 s). */
  readonly cacheTtlMs: number;
  /** Answers kept at most (default 10,000). */
  readonly cacheEntries: number;
  /**
   * Ask the built-in policy engine first and send only what it allows (default false: the plugin
   * alone decides, as MinIO).
   */
  readonly builtinFirst: boolean;
}

export const DEFAULT_POLICY_PLUGIN_TIMEOUT_MS = 2000;
export const DEFAULT_POLICY_PLUGIN_CACHE_TTL_MS = 1000;
export const DEFAULT_POLICY_PLUGIN_CACHE_ENTRIES = 10_000;
/** Largest answer read from the plugin. */
export const MAX_POLICY_PLUGIN_ANSWER = 64 * 1024;

/**
 * The plugin's answer to one question: allow or deny, or why there is none (each fails closed):
 * `unreachable`, `timeout`, `invalid` (not HTTP 200, not JSON, no boolean result, too large).
 */
export type PolicyVerdict = 'allow' | 'deny' | 'unreachable' | 'timeout' | 'invalid';

/** What the plugin client counts (tessera_policy_plugin_* metrics). */
export interface PolicyPluginStats {
  /** Questions sent to the plugin, by verdict. */
  readonly requests: Readonly<Record<PolicyVerdict, number>>;
  /** Questions answered from the cache. */
  readonly cacheHits: number;
}

/** `{"result": true}` or `{"result": {"allow": true}}` (MinIO accepts both; other keys ignored). */
export function verdictOf(status: number, text: string): 'allow' | 'deny' | 'invalid' {
  if (status !== 200) return 'invalid';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'invalid';
  }
  if (typeof body !== 'object' || body === null) return 'invalid';
  const result = (body as { result?: unknown }).result;
  // OPA answers `{}` when the document is undefined for this input (no rule allowed it).
  if (result === undefined) return 'deny';
  if (typeof result === 'boolean') return result ? 'allow' : 'deny';
  if (typeof result === 'object' && result !== null) {
    const allow = (result as { allow?: unknown }).allow;
    if (typeof allow === 'boolean') return allow ? 'allow' : 'deny';
    // A package whose `allow` rule is undefined for this input: not allowed.
    if (allow === undefined) return 'deny';
  }
  return 'invalid';
}

/** The cache key: the whole input but the clock keys, which change on every request. */
function cacheKey(input: PolicyPluginInput): string {
  const conditions: Record<string, readonly string[]> = {};
  for (const [k, v] of Object.entries(input.conditions)) if (!CLOCK_KEYS.has(k)) conditions[k] = v;
  return JSON.stringify({ ...input, conditions });
}

/**
 * The client of an access management plugin: POSTs `{"input": …}` and reads its boolean result,
 * within a timeout and a size limit, never following a redirect. Answers (allow and deny, never a
 * failure) are cached for `cacheTtlMs` under the whole input (clock keys aside), bounded.
 * @example const verdict = await plugin.ask(pluginInput(p, action, resource, context, false))
 */
export class PolicyPlugin {
  readonly #fetch: PluginFetch;
  readonly #cache: Lru<string, { allowed: boolean; until: number }> | undefined;
  readonly #requests: Record<PolicyVerdict, number> = {
    allow: 0,
    deny: 0,
    unreachable: 0,
    timeout: 0,
    invalid: 0,
  };
  #cacheHits = 0;
  readonly #headers: Record<string, string>;

  constructor(
    readonly config: PolicyPluginConfig,
    fetchFn: PluginFetch = fetch,
    private readonly now: () => number = Date.now,
  ) {
    this.#fetch = fetchFn;
    this.#cache = config.cacheTtlMs > 0 ? new Lru(config.cacheEntries) : undefined;
    this.#headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (config.authToken !== undefined) this.#headers.authorization = config.authToken;
  }

  async ask(input: PolicyPluginInput): Promise<PolicyVerdict> {
    const key = this.#cache === undefined ? undefined : cacheKey(input);
    if (key !== undefined) {
      const hit = this.#cache!.get(key);
      if (hit !== undefined && hit.until > this.now()) {
        this.#cacheHits++;
        return hit.allowed ? 'allow' : 'deny';
      }
    }
    const r = await boundedPost(this.#fetch, this.config.url, {
      headers: this.#headers,
      body: JSON.stringify({ input }),
      timeoutMs: this.config.timeoutMs,
      maxBytes: MAX_POLICY_PLUGIN_ANSWER,
    });
    const verdict: PolicyVerdict = r.ok
      ? verdictOf(r.status, r.text)
      : r.failure === 'too-large'
        ? 'invalid'
        : r.failure;
    this.#requests[verdict]++;
    if (key !== undefined && (verdict === 'allow' || verdict === 'deny'))
      this.#cache!.set(key, { allowed: verdict === 'allow', until: this.now() + this.config.cacheTtlMs });
    return verdict;
  }

  /** The counts so far (read at scrape time). */
  stats(): PolicyPluginStats {
    return { requests: { ...this.#requests }, cacheHits: this.#cacheHits };
  }

  /** Answers in the cache now. */
  get cached(): number {
    return this.#cache?.size ?? 0;
  }
}
