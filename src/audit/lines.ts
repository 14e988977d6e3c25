import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** A file's lines, streamed (never the whole file in memory), numbered from 1. */
export async function* readLines(path: string): AsyncGenerator<{ n: number; text: string }> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  try {
    for await (const text of rl) yield { n: ++n, text };
  } finally {
    rl.close();
  }
}

/** A file's first line, or undefined when it is empty. */
export async function firstLine(path: string): Promise<string | undefined> {
  for await (const { text } of readLines(path)) return text;
  return undefined;
}
