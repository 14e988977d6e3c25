import { TesseraError } from '../../core/index.js';
import {
  type CompiledPolicy,
  type ContextEntry,
  type ContextKeyType,
  compiledBuiltin,
  compilePolicy,
  isBuiltinName,
  isPolicyError,
  type PolicyKind,
  parsePolicy,
} from '../../policy/index.js';
import type { Call } from './call.js';
import type { Params } from './params.js';

const KEY_TYPES: readonly ContextKeyType[] = [
  'string',
  'stringList',
  'numeric',
  'numericList',
  'boolean',
  'booleanList',
  'ip',
  'ipList',
  'binary',
  'binaryList',
  'date',
  'dateList',
];

/** The parts of a simulation request both Simulate* actions share. */
export interface SimulationInput {
  actions: string[];
  resources: string[];
  context: ContextEntry[];
  /** ResourcePolicy, compiled (label `ResourcePolicy`). */
  resourcePolicy?: CompiledPolicy;
  callerArn?: string;
}

/**
 * Compiles a policy given in the request; a policy that does not parse is
 * MalformedPolicyDocument naming the parameter, whatever kind it is validated as.
 */
export function compileInput(text: string, label: string, kind: PolicyKind = 'identity'): CompiledPolicy {
  try {
    return compilePolicy(parsePolicy(text, { kind }), label);
  } catch (e) {
    if (isPolicyError(e)) throw new TesseraError('MalformedPolicyDocument', `${label}: ${e.message}`);
    throw e;
  }
}

/** PolicyInputList.member.N, compiled with labels `PolicyInputList.N` (AWS's SourcePolicyId). */
export function policyInputs(p: Params): CompiledPolicy[] {
  return p.list('PolicyInputList').map((doc, i) => compileInput(doc, `PolicyInputList.${i + 1}`));
}

/** ActionNames, ResourceArns, ContextEntries, ResourcePolicy and CallerArn, in AWS's shapes. */
export function simulationInput(p: Params): SimulationInput {
  const actions = p.list('ActionNames');
  if (actions.length === 0) p.required('ActionNames.member.1');
  p.unsupported('PermissionsBoundaryPolicyInputList', 'permissions boundaries are not implemented.');
  const context = p.structs('ContextEntries').map((e): ContextEntry => {
    const type = e.requiredOneOf('ContextKeyType', KEY_TYPES);
    return { key: e.required('ContextKeyName'), type, values: e.list('ContextKeyValues') };
  });
  const resources = p.list('ResourceArns');
  const input: SimulationInput = { actions, resources: resources.length > 0 ? resources : ['*'], context };
  const resourcePolicy = p.optional('ResourcePolicy');
  if (resourcePolicy !== undefined) {
    input.resourcePolicy = compileInput(resourcePolicy, 'ResourcePolicy', 'resource');
  }
  const callerArn = p.optional('CallerArn');
  if (callerArn !== undefined) {
    if (!/^arn:(aws|minio):iam::[^:]*:user\/.+$/.test(callerArn)) {
      throw new TesseraError('InvalidInput', 'CallerArn must be the ARN of an IAM user.');
    }
    input.callerArn = callerArn;
  }
  return input;
}

/** A PolicySourceArn: a user or a group of the caller's account. */
export function policySource(call: Call, arn: string): { kind: 'user' | 'group'; name: string } {
  const m = /^arn:(?:aws|minio):iam::([^:]*):(user|group|role|root)(?:\/(?:[^:]*\/)?([^/:]+))?$/.exec(arn);
  if (m === null)
    throw new TesseraError(
      'InvalidInput',
      `PolicySourceArn ${JSON.stringify(arn.slice(0, 200))} is not valid.`,
    );
  const kind = m[2]!;
  if (kind === 'root') {
    throw new TesseraError('InvalidInput', 'The account root is allowed everything and cannot be simulated.');
  }
  if (kind === 'role' || m[3] === undefined || call.iam.arns.accountOf(m[1]!) !== call.account) {
    throw new TesseraError('NoSuchEntity', `The entity ${arn} cannot be found.`);
  }
  return { kind: kind as 'user' | 'group', name: m[3] };
}

/**
 * A principal's identity policies, as enforcement sees them: for a user, policy sets from the
 * IAM service (its own and its enabled groups' attached and inline policies; none while it is
 * disabled); for a group, its attached and inline policies.
 */
export async function sourcePolicies(
  call: Call,
  source: { kind: 'user' | 'group'; name: string },
): Promise<{ policies: CompiledPolicy[]; arn: string }> {
  const { iam, account } = call;
  if (source.kind === 'user') {
    const u = await iam.users.get(account, source.name);
    // As enforcement sees the user: its identity policies (groups included), whatever its secret.
    const sets = await iam.policySetsFor({
      kind: 'user',
      account,
      accessKey: u.accessKey,
      name: u.name,
      arn: u.arn,
      userId: u.id,
      groups: [],
      tags: {},
    });
    return { policies: [...(sets.identity ?? [])], arn: u.arn };
  }
  const g = await iam.groups.get(account, source.name);
  const policies: CompiledPolicy[] = [];
  for (const name of (await iam.policies.listAttached(account, 'group', g.name)).map((p) => p.name)) {
    policies.push(
      isBuiltinName(name)
        ? compiledBuiltin(name)
        : compileInput(await iam.policies.document(account, name), name),
    );
  }
  for (const inline of await iam.policies.listInline(account, 'group', g.name)) {
    policies.push(compileInput(inline.document, `group/${g.name}/${inline.name}`));
  }
  return { policies, arn: g.arn };
}
