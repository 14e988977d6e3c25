/**
 * Policy engine benchmark: the compiled evaluator against the naive uncompiled evaluator,
 * measured in the same run, for 1, 10, 100 and 1,000 statements spread over 1 or 20 policies,
 * with and without conditions and policy variables. Prints decisions/s and p50/p99 latency.
 * Run: npx tsc -p tsconfig.build.json && node dist/bench/policy.js
 */
import {
  type AuthzRequest,
  compilePolicy,
  evaluate,
  evaluateNaive,
  type PolicyDocument,
  parsePolicy,
  RequestContext,
} from '../src/policy/index.js';

type Variant = 'simple' | 'conditions' | 'variables';

interface Row {
  statements: number;
  policies: number;
  variant: Variant;
  compiled: Stats;
  naive: Stats;
}

interface Stats {
  perSecond: number;
  p50: number;
  p99: number;
}

const actions = [
  's3:GetObjectTagging',
  's3:PutObject',
  's3:DeleteObject',
  's3:Put*',
  's3:Get*',
  's3:ListMultipartUploadParts',
];

function statement(i: number, variant: Variant, last: boolean): object {
  const action = last ? 's3:GetObject' : actions[i % actions.length]!;
  const base = last ? 'arn:aws:s3:::photos/*' : `arn:aws:s3:::bucket-${i}/*`;
  const st: Record<string, unknown> = { Effect: 'Allow', Action: [action], Resource: [base] };
  if (variant === 'variables')
    st.Resource = [
      last ? 'arn:aws:s3:::photos/${aws:username}/*' : `arn:aws:s3:::bucket-${i}/\${aws:username}/*`,
    ];
  if (variant !== 'simple') {
    st.Condition = {
      IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
      StringLike: { 'aws:UserAgent': ['aws-sdk-*', 'curl/*'] },
      DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
    };
  }
  return st;
}

function documents(
  statements: number,
  policies: number,
  variant: Variant,
): { name: string; doc: PolicyDocument }[] {
  const per = Math.ceil(statements / policies);
  const out: { name: string; doc: PolicyDocument }[] = [];
  for (let p = 0; p < policies; p++) {
    const sts: object[] = [];
    for (let s = 0; s < per && p * per + s < statements; s++)
      sts.push(statement(p * per + s, variant, p * per + s === statements - 1));
    if (sts.length > 0)
      out.push({
        name: `p${p}`,
        doc: parsePolicy({ Version: '2012-10-17', Statement: sts }, { maxBytes: 1 << 22 }),
      });
  }
  return out;
}

function measure(decide: () => boolean, budgetMs: number): Stats {
  for (let i = 0; i < 200; i++) decide(); // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(budgetMs * 1e6);
  let now = start;
  while (now < end) {
    for (let i = 0; i < 64; i++) decide();
    n += 64;
    now = process.hrtime.bigint();
  }
  const perSecond = n / (Number(now - start) / 1e9);
  const samples = Math.min(20_000, Math.max(200, n));
  const lat = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    decide();
    lat[i] = Number(process.hrtime.bigint() - t0);
  }
  lat.sort();
  return {
    perSecond,
    p50: lat[Math.floor(samples * 0.5)]! / 1000,
    p99: lat[Math.floor(samples * 0.99)]! / 1000,
  };
}

function fmtRate(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0);
}

/** Runs the benchmark and prints a markdown table. */
export async function main(): Promise<void> {
  const budget = Number(process.env.BENCH_MS ?? 300);
  const rows: Row[] = [];
  const ctx = RequestContext.from({
    'aws:SourceIp': '10.1.2.3',
    'aws:UserAgent': 'aws-sdk-js/3',
    'aws:CurrentTime': '2026-11-22T12:00:00Z',
    'aws:username': 'alice',
  });
  for (const variant of ['simple', 'conditions', 'variables'] as const) {
    for (const statements of [1, 10, 100, 1000]) {
      for (const policies of [1, 20]) {
        if (policies > statements) continue;
        const docs = documents(statements, policies, variant);
        const compiled = docs.map((d) => compilePolicy(d.doc, d.name));
        const resource =
          variant === 'variables' ? 'arn:aws:s3:::photos/alice/a.jpg' : 'arn:aws:s3:::photos/a.jpg';
        const req: AuthzRequest = { action: 's3:GetObject', resource, context: ctx };
        if (!evaluate(compiled, req).allowed || !evaluateNaive(docs, req).allowed)
          throw new Error('bench request must be allowed');
        rows.push({
          statements,
          policies,
          variant,
          compiled: measure(() => evaluate(compiled, req).allowed, budget),
          naive: measure(() => evaluateNaive(docs, req).allowed, budget),
        });
      }
    }
  }
  const out = [
    `Node ${process.version}, ${process.arch}; ${budget} ms per measurement`,
    '',
    '| variant | statements | policies | compiled decisions/s | compiled p50 / p99 (µs) | naive decisions/s | naive p50 / p99 (µs) | speed-up |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.variant} | ${r.statements} | ${r.policies} | ${fmtRate(r.compiled.perSecond)} | ${r.compiled.p50.toFixed(2)} / ${r.compiled.p99.toFixed(2)} | ${fmtRate(r.naive.perSecond)} | ${r.naive.p50.toFixed(2)} / ${r.naive.p99.toFixed(2)} | ${(r.compiled.perSecond / r.naive.perSecond).toFixed(1)}× |`,
    ),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
