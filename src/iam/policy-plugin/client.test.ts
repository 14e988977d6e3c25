import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyPlugin, verdictOf } from './client.js';
import { type PolicyPluginInput, pluginInput } from './input.js';

/** A plugin on loopback: answers by the action asked, counts what it is asked. */
let server: Server;
let url = '';
let asked = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      asked++;
      const input = (JSON.parse(body) as { input: PolicyPluginInput }).input;
      if (input.action === 's3:Slow') return void setTimeout(() => res.end('{"result":true}'), 1000).unref();
      if (input.action === 's3:Redirect')
        return void res.writeHead(307, { location: 'http://127.0.0.2/' }).end();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ result: input.action === 's3:GetObject' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/data/authz/allow`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const ANON = { kind: 'anonymous', account: '' } as const;
const q = (action: string, context: Record<string, string> = {}) =>
  pluginInput(ANON, action, 'arn:aws:s3:::b/k', context, false);

describe('verdictOf', () => {
  it('reads {"result": bool} and {"result": {"allow": bool}}, and fails anything else closed', () => {
    expect(verdictOf(200, '{"result":true}')).toBe('allow');
    expect(verdictOf(200, '{"result":false,"x":1}')).toBe('deny');
    expect(verdictOf(200, '{"result":{"allow":true,"why":"x"}}')).toBe('allow');
    expect(verdictOf(200, '{"result":{"allow":false}}')).toBe('deny');
    // OPA: an undefined document or rule is no allow.
    expect(verdictOf(200, '{}')).toBe('deny');
    expect(verdictOf(200, '{"result":{}}')).toBe('deny');
    for (const bad of [
      '',
      'true',
      'null',
      '{"result":"yes"}',
      '{"result":1}',
      '{"result":{"allow":"yes"}}',
      '{"res',
    ])
      expect(verdictOf(200, bad), bad).toBe('invalid');
    expect(verdictOf(500, '{"result":true}')).toBe('invalid');
    expect(verdictOf(307, '')).toBe('invalid');
  });
});

describe('PolicyPlugin', () => {
  it('caches answers for the TTL under the whole input but the clock keys, bounded', async () => {
    let now = 1_000;
    const plugin = new PolicyPlugin(
      { url, timeoutMs: 500, cacheTtlMs: 1000, cacheEntries: 2, builtinFirst: false },
      fetch,
      () => now,
    );
    asked = 0;
    expect(await plugin.ask(q('s3:GetObject', { 'aws:CurrentTime': 'a', 'aws:SourceIp': '1' }))).toBe(
      'allow',
    );
    expect(await plugin.ask(q('s3:GetObject', { 'aws:CurrentTime': 'b', 'aws:SourceIp': '1' }))).toBe(
      'allow',
    );
    expect(asked).toBe(1);
    // Another condition value is another question.
    expect(await plugin.ask(q('s3:GetObject', { 'aws:SourceIp': '2' }))).toBe('allow');
    expect(await plugin.ask(q('s3:PutObject'))).toBe('deny');
    expect(asked).toBe(3);
    expect(plugin.cached).toBe(2);
    now += 1001;
    expect(await plugin.ask(q('s3:PutObject'))).toBe('deny');
    expect(asked).toBe(4);
    expect(plugin.stats()).toEqual({
      requests: { allow: 2, deny: 2, unreachable: 0, timeout: 0, invalid: 0 },
      cacheHits: 1,
    });
  });

  it('fails closed on a timeout, a redirect (never followed) and an unreachable plugin, caching none', async () => {
    const plugin = new PolicyPlugin({
      url,
      timeoutMs: 200,
      cacheTtlMs: 1000,
      cacheEntries: 10,
      builtinFirst: false,
    });
    // The plugin would allow after 1 s: the answer is the timeout's.
    expect(await plugin.ask(q('s3:Slow'))).toBe('timeout');
    expect(await plugin.ask(q('s3:Redirect'))).toBe('invalid');
    expect(plugin.cached).toBe(0);
    const down = new PolicyPlugin({
      url: 'http://127.0.0.1:1/',
      timeoutMs: 500,
      cacheTtlMs: 0,
      cacheEntries: 1,
      builtinFirst: false,
    });
    expect(await down.ask(q('s3:GetObject'))).toBe('unreachable');
  });
});
