/**
 * One bounded POST to a plugin: a time limit over the whole exchange (connect, head, body), a
 * size limit on the answer, and no redirects (a 3xx is an answer like any other, never followed,
 * so the token never travels to another host).
 */

/** The fetch the plugin is reached with (global fetch unless a test injects one). */
export type PluginFetch = (url: string, init: RequestInit) => Promise<Response>;

/** Why a POST got no usable answer. */
export type PostFailure = 'unreachable' | 'timeout' | 'too-large';

export type PostResult =
  | { readonly ok: true; readonly status: number; readonly text: string }
  | { readonly ok: false; readonly failure: PostFailure; readonly detail: string };

/** Reads at most `max` bytes of `res`'s body; undefined past that. */
async function boundedText(res: Response, max: number): Promise<string | undefined> {
  const reader = res.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * POSTs `body` to `url` within `timeoutMs`, reading at most `maxBytes` of the answer. Never
 * throws: a failure says what went wrong (the detail names no URL, so no token can leak).
 */
export async function boundedPost(
  fetchFn: PluginFetch,
  url: string,
  o: { headers: Record<string, string>; body?: string; timeoutMs: number; maxBytes: number },
): Promise<PostResult> {
  const signal = AbortSignal.timeout(o.timeoutMs);
  try {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: o.headers,
      body: o.body ?? '',
      redirect: 'manual',
      signal,
    });
    const text = await boundedText(res, o.maxBytes);
    if (text === undefined)
      return { ok: false, failure: 'too-large', detail: `the answer is larger than ${o.maxBytes} bytes` };
    return { ok: true, status: res.status, text };
  } catch (e) {
    if (signal.aborted)
      return { ok: false, failure: 'timeout', detail: `no answer within ${o.timeoutMs} ms` };
    const cause = (e as { cause?: { code?: unknown } }).cause?.code;
    return {
      ok: false,
      failure: 'unreachable',
      detail: typeof cause === 'string' ? cause : 'connection failed',
    };
  }
}
