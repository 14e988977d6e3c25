import { Agent, request } from 'node:http';
import type { PreparedRequest } from './signing.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** Sends one prepared request and collects the answer (small bodies only). */
export function send(port: number, r: PreparedRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: r.method, path: r.path, headers: r.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(120_000, () => req.destroy(new Error(`${r.method} ${r.path}: timeout`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Like send(), but throws unless the answer is 2xx. */
export async function sendOk(port: number, r: PreparedRequest): Promise<Answer> {
  const a = await send(port, r);
  if (a.status < 200 || a.status > 299) {
    throw new Error(`${r.method} ${r.path.slice(0, 80)} → ${a.status}: ${a.body.toString().slice(0, 300)}`);
  }
  return a;
}

/** Runs `count` tasks with at most `parallel` at a time. */
export async function inParallel(
  count: number,
  parallel: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
}

export function closeClients(): void {
  agent.destroy();
}
