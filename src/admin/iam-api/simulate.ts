import { TesseraError, type XmlNode } from '../../core/index.js';
import {
  authorize,
  type CompiledPolicy,
  contextFromEntries,
  isBuiltinName,
  type NearMiss,
  type SimulationResult,
  type StatementRef,
  simulate,
} from '../../policy/index.js';
import { type Call, collection, group, type Handler, user } from './call.js';
import { pageRequest, paginate, truncation } from './paging.js';
import {
  policyInputs,
  policySource,
  type SimulationInput,
  simulationInput,
  sourcePolicies,
} from './simulate-input.js';
import { members } from './xml.js';

/** AWS's SourcePolicyType for a statement's policy label. */
function sourceType(label: string): string {
  if (label.startsWith('PolicyInputList.')) return 'IAM Policy';
  if (label === 'ResourcePolicy') return 'resource';
  if (label.startsWith('user/')) return 'user';
  if (label.startsWith('group/')) return 'group';
  return isBuiltinName(label) ? 'aws-managed' : 'user-managed';
}

/**
 * A matched statement: AWS's SourcePolicyId and SourcePolicyType, then Tessera's additions (which
 * SDKs ignore): the statement's index in its policy (0-based, as in `Statement[0]`) and its Sid.
 */
function statementXml(s: StatementRef): XmlNode {
  return {
    SourcePolicyId: s.policy,
    SourcePolicyType: sourceType(s.policy),
    StatementIndex: String(s.index),
    ...(s.sid === undefined || s.sid === '' ? {} : { StatementId: s.sid }),
  };
}

/** Tessera's addition: a statement that matched action and resource but whose condition failed. */
function nearMissXml(n: NearMiss): XmlNode {
  return {
    SourcePolicyId: n.statement.policy,
    StatementIndex: String(n.statement.index),
    ...(n.statement.sid === undefined || n.statement.sid === '' ? {} : { Sid: n.statement.sid }),
    Effect: n.statement.effect,
    Operator: n.operator,
    Key: n.key,
    Missing: String(n.missing),
  };
}

/**
 * Evaluates every action × resource with the policy engine: `simulate` over the identity
 * policies, or — with a ResourcePolicy — `authorize` over identity + resource policy for the
 * caller, as enforcement would decide it, with the missing context keys of both.
 */
export function evaluateSimulation(
  identity: readonly CompiledPolicy[],
  input: SimulationInput,
  account: string,
): SimulationResult[] {
  const rp = input.resourcePolicy;
  const caller = input.callerArn === undefined ? { account } : { account, arn: input.callerArn };
  const base = { actions: input.actions, resources: input.resources, context: input.context };
  const identityRows = simulate(identity, { ...base, principal: caller });
  if (rp === undefined) return identityRows;
  const ctx = contextFromEntries(input.context);
  const resourceRows = simulate([rp], { ...base, principal: caller });
  return identityRows.map((row, i) => {
    const d = authorize(
      { principal: { type: 'user', ...caller }, identity, resource: [rp] },
      { action: row.action, resource: row.resource, context: ctx, principal: caller },
      { explain: true },
    );
    const missing = new Set([...row.missingContextKeys, ...resourceRows[i]!.missingContextKeys]);
    return {
      ...row,
      decision: d.reason,
      matchedStatements: d.statements,
      missingContextKeys: [...missing].sort(),
      nearMisses: d.nearMisses ?? [],
    };
  });
}

function resultXml(rows: SimulationResult[], call: Call): XmlNode {
  const req = pageRequest(call.params);
  const indexed = rows.map((r, i) => ({ r, key: String(i).padStart(8, '0') }));
  const page = paginate(indexed, (e) => e.key, req);
  const results = page.items.map(({ r }) => ({
    EvalActionName: r.action,
    EvalResourceName: r.resource,
    EvalDecision: r.decision,
    MatchedStatements: members(r.matchedStatements.map(statementXml)),
    MissingContextValues: members(r.missingContextKeys),
    ...(r.nearMisses.length === 0 ? {} : { NearMisses: members(r.nearMisses.map(nearMissXml)) }),
  }));
  return { EvaluationResults: members(results), ...truncation(page) };
}

/** SimulateCustomPolicy: the given policies only (MinIO equivalent: admin:GetPolicy). */
const simulateCustomPolicy: Handler = async (call) => {
  const p = call.params;
  // Authorized before any policy in the request is parsed: parsing is work a caller must be allowed.
  await call.authorize({
    action: 'iam:SimulateCustomPolicy',
    target: collection('*'),
    admin: ['admin:GetPolicy'],
  });
  const inputs = policyInputs(p);
  if (inputs.length === 0) p.required('PolicyInputList.member.1');
  const input = simulationInput(p);
  if (input.resourcePolicy !== undefined && input.callerArn === undefined) {
    throw new TesseraError('InvalidInput', 'CallerArn is required when ResourcePolicy is given.');
  }
  pageRequest(p);
  return resultXml(evaluateSimulation(inputs, input, call.iam.arns.accountId(call.account)), call);
};

/**
 * SimulatePrincipalPolicy: a user's (with its groups') or a group's policies, plus any
 * PolicyInputList. As in AWS, only the given ContextEntries are in the context (aws:username is
 * not filled in). MinIO equivalent: admin:GetUser / admin:GetGroup.
 */
const simulatePrincipalPolicy: Handler = async (call) => {
  const p = call.params;
  const source = policySource(call, p.required('PolicySourceArn'));
  const target = await call.authorize({
    action: 'iam:SimulatePrincipalPolicy',
    target: source.kind === 'user' ? user(source.name) : group(source.name),
    admin: [source.kind === 'user' ? 'admin:GetUser' : 'admin:GetGroup'],
  });
  const extra = policyInputs(p);
  const input = simulationInput(p);
  pageRequest(p);
  const found = await sourcePolicies(call, { kind: source.kind, name: target.name });
  if (input.callerArn === undefined && source.kind === 'user') input.callerArn = found.arn;
  if (input.resourcePolicy !== undefined && input.callerArn === undefined) {
    throw new TesseraError('InvalidInput', 'CallerArn is required when ResourcePolicy is given for a group.');
  }
  const rows = evaluateSimulation(
    [...found.policies, ...extra],
    input,
    call.iam.arns.accountId(call.account),
  );
  return resultXml(rows, call);
};

export const simulateHandlers: Record<string, Handler> = {
  SimulateCustomPolicy: simulateCustomPolicy,
  SimulatePrincipalPolicy: simulatePrincipalPolicy,
};
