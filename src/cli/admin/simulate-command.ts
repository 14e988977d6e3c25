import {
  type ContextEntry,
  type ContextKeyTypeEnum,
  type EvaluationResult,
  GetUserCommand,
  paginateSimulateCustomPolicy,
  paginateSimulatePrincipalPolicy,
} from '@aws-sdk/client-iam';
import type { Command } from 'commander';
import { parseContextArg } from '../policy-command.js';
import { AdminError } from './connection.js';
import { type AdminContext, type JsonOption, withJson } from './context.js';
import { collect } from './lists.js';
import { table } from './table.js';

interface SimulateOptions extends JsonOption {
  user?: string;
  policy?: string[];
  action: string[];
  resource: string[];
  context: string[];
}

function contextEntries(args: readonly string[]): ContextEntry[] {
  return args.map((a) => {
    const e = parseContextArg(a);
    return {
      ContextKeyName: e.key,
      ContextKeyType: e.type as ContextKeyTypeEnum,
      ContextKeyValues: [...e.values],
    };
  });
}

function rowsOf(results: readonly EvaluationResult[]) {
  return results.map((r) => ({
    action: r.EvalActionName!,
    resource: r.EvalResourceName ?? '*',
    decision: r.EvalDecision!,
    matched: (r.MatchedStatements ?? []).map((s) => s.SourcePolicyId ?? '?'),
    missingContextKeys: r.MissingContextValues ?? [],
  }));
}

/**
 * `policy simulate ALIAS --user U | --policy FILE… --action A… [--resource ARN…] [--context k=type:v…]`:
 * the server's SimulatePrincipalPolicy (the user's policies as enforced, plus any --policy files)
 * or SimulateCustomPolicy (only the files).
 */
export function registerSimulateCommand(policy: Command, ctx: AdminContext): void {
  withJson(
    policy
      .command('simulate')
      .description("decide actions on resources on the server, for a user's policies or for policy files")
      .argument('<alias>')
      .option('--user <user>', "simulate the user's policies as enforced (SimulatePrincipalPolicy)")
      .option('--policy <files...>', 'identity policy JSON files (SimulateCustomPolicy without --user)')
      .requiredOption('--action <actions...>', 'actions, e.g. s3:GetObject')
      .option('--resource <arns...>', 'resource ARNs', ['*'])
      .option('--context <entries...>', 'context entries key=type:value, e.g. aws:SourceIp=ip:10.0.0.1', []),
  ).action(
    ctx.action(async (alias: string, opts: SimulateOptions) => {
      if (opts.user === undefined && (opts.policy ?? []).length === 0)
        throw new AdminError('InvalidInput', 'give --user USER or --policy FILE…');
      const documents = (opts.policy ?? []).map((f) => ctx.io.readFile(f));
      const common = {
        ActionNames: opts.action,
        ResourceArns: opts.resource,
        ContextEntries: contextEntries(opts.context),
      };
      const results = await ctx.with(alias, async (c) => {
        if (opts.user === undefined) {
          const pages = paginateSimulateCustomPolicy(
            { client: c.iam },
            { ...common, PolicyInputList: documents },
          );
          return collect(pages, (p) => p.EvaluationResults);
        }
        const { User } = await c.iam.send(new GetUserCommand({ UserName: opts.user }));
        const input = {
          ...common,
          PolicySourceArn: User!.Arn!,
          ...(documents.length === 0 ? {} : { PolicyInputList: documents }),
        };
        return collect(paginateSimulatePrincipalPolicy({ client: c.iam }, input), (p) => p.EvaluationResults);
      });
      const rows = rowsOf(results);
      ctx.emit(opts, rows, () =>
        table(
          ['ACTION', 'RESOURCE', 'DECISION', 'MATCHED', 'MISSING CONTEXT KEYS'],
          rows.map((r) => [
            r.action,
            r.resource,
            r.decision,
            r.matched.join(' '),
            r.missingContextKeys.join(' '),
          ]),
        ),
      );
    }),
  );
}
