import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  type CompiledPolicy,
  type ContextEntry,
  type ContextKeyType,
  compilePolicy,
  isPolicyError,
  type PolicyKind,
  parsePolicy,
  type SimulationResult,
  simulate,
} from '../policy/index.js';

/** Where the policy commands read and write; replaced in tests. */
export interface PolicyCommandIO {
  readFile(path: string): string;
  out(text: string): void;
  /** Records the process exit status (default: sets process.exitCode). */
  exit(code: number): void;
}

const processIO: PolicyCommandIO = {
  readFile: (p) => readFileSync(p, 'utf8'),
  out: (t) => void process.stdout.write(t),
  exit: (c) => {
    process.exitCode = c;
  },
};

const kinds: readonly PolicyKind[] = ['identity', 'resource', 'session', 'serviceAccount', 'trust'];
const types = new Set<string>(
  ['string', 'numeric', 'boolean', 'ip', 'date', 'binary'].flatMap((t) => [t, `${t}List`]),
);

/** Parses `key=type:value` (list types take comma-separated values). */
export function parseContextArg(arg: string): ContextEntry {
  const m = /^([^=]+)=([A-Za-z]+):(.*)$/.exec(arg);
  if (!m || !types.has(m[2]!))
    throw new Error(`bad --context "${arg}": expected key=type:value, type one of ${[...types].join(', ')}`);
  const type = m[2] as ContextKeyType;
  return { key: m[1]!, type, values: type.endsWith('List') ? m[3]!.split(',') : [m[3]!] };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function table(rows: readonly SimulationResult[]): string {
  const cells = rows.map((r) => [
    r.action,
    r.resource,
    r.decision,
    r.matchedStatements.map((s) => `${s.policy}#${s.index}${s.sid ? `(${s.sid})` : ''}`).join(' ') || '-',
    r.missingContextKeys.join(' ') || '-',
  ]);
  const head = ['ACTION', 'RESOURCE', 'DECISION', 'MATCHED', 'MISSING CONTEXT KEYS'];
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) =>
    `${c
      .map((x, i) => x.padEnd(width[i]!))
      .join('  ')
      .trimEnd()}\n`;
  return line(head) + cells.map(line).join('');
}

/**
 * Adds `policy validate FILE…` and `policy simulate …` to a commander program.
 * @example registerPolicyCommands(program); program.parse(['policy', 'validate', 'p.json'], { from: 'user' })
 */
export function registerPolicyCommands(program: Command, io: PolicyCommandIO = processIO): void {
  const policy = program.command('policy').description('Validate and simulate IAM policy documents');

  policy
    .command('validate')
    .description('Check policy documents; prints OK or the error with its JSON path')
    .argument('<files...>', 'policy JSON files')
    .option('--kind <kind>', `how the policy is attached (${kinds.join(', ')})`, 'identity')
    .option('--bucket <name>', 'for bucket policies: the bucket it is attached to')
    .action((files: string[], opts: { kind: string; bucket?: string }) => {
      if (!kinds.includes(opts.kind as PolicyKind)) {
        io.out(`unknown --kind ${opts.kind}\n`);
        io.exit(2);
        return;
      }
      let bad = 0;
      for (const file of files) {
        try {
          const kind = opts.kind as PolicyKind;
          parsePolicy(
            io.readFile(file),
            opts.bucket === undefined ? { kind } : { kind, bucket: opts.bucket },
          );
          io.out(`OK    ${file}\n`);
        } catch (e) {
          bad++;
          io.out(`FAIL  ${file}: ${isPolicyError(e) ? `${e.code}: ${e.message}` : message(e)}\n`);
        }
      }
      if (bad > 0) io.exit(1);
    });

  policy
    .command('simulate')
    .description('Evaluate actions × resources against policies (like SimulateCustomPolicy)')
    .requiredOption('--policy <files...>', 'identity policy JSON files (evaluated as one set)')
    .requiredOption('--action <actions...>', 'actions, e.g. s3:GetObject')
    .option('--resource <arns...>', 'resource ARNs', ['*'])
    .option('--context <entries...>', 'context entries key=type:value, e.g. aws:SourceIp=ip:10.0.0.1', [])
    .option('--json', 'print JSON instead of a table')
    .action(
      (opts: {
        policy: string[];
        action: string[];
        resource: string[];
        context: string[];
        json?: boolean;
      }) => {
        let compiled: CompiledPolicy[];
        let context: ContextEntry[];
        try {
          compiled = opts.policy.map((f) => compilePolicy(parsePolicy(io.readFile(f)), f));
          context = opts.context.map(parseContextArg);
        } catch (e) {
          io.out(`error: ${message(e)}\n`);
          io.exit(1);
          return;
        }
        try {
          const rows = simulate(compiled, { actions: opts.action, resources: opts.resource, context });
          io.out(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : table(rows));
        } catch (e) {
          io.out(`error: ${message(e)}\n`);
          io.exit(1);
        }
      },
    );
}
