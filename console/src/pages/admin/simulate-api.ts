import { iam, memberEls, members, own } from '../../api/iam.js';

/**
 * IAM's policy simulation (SimulatePrincipalPolicy, SimulateCustomPolicy) as Tessera answers it
 * (src/admin/iam-api/simulate.ts): each action × resource with its decision, the matched
 * statements' policies and the missing context keys, and Tessera's additions to AWS's answer: a
 * matched statement's index and Sid (StatementIndex, StatementId) and the near misses (NearMisses).
 */

export interface ContextEntryInput {
  key: string;
  type: string;
  values: string[];
}

export interface MatchedStatement {
  policyId: string;
  policyType: string;
  /** Present when the server says which statement (Tessera may add these). */
  sid?: string;
  index?: string;
}

export interface NearMissInfo {
  policyId: string;
  sid?: string;
  operator?: string;
  key?: string;
  missing?: boolean;
}

export interface EvaluationResult {
  action: string;
  resource: string;
  decision: string;
  matched: MatchedStatement[];
  missingContext: string[];
  nearMisses: NearMissInfo[];
}

function contextParams(entries: readonly ContextEntryInput[]): Record<string, string> {
  const out: Record<string, string> = {};
  entries.forEach((e, i) => {
    const p = `ContextEntries.member.${i + 1}`;
    out[`${p}.ContextKeyName`] = e.key;
    out[`${p}.ContextKeyType`] = e.type;
    e.values.forEach((v, j) => {
      out[`${p}.ContextKeyValues.member.${j + 1}`] = v;
    });
  });
  return out;
}

function resultsOf(doc: Document): EvaluationResult[] {
  return memberEls(doc, 'EvaluationResults').map((r) => ({
    action: own(r, 'EvalActionName') ?? '',
    resource: own(r, 'EvalResourceName') ?? '',
    decision: own(r, 'EvalDecision') ?? '',
    matched: memberEls(r, 'MatchedStatements').map((m) => {
      const sid = own(m, 'Sid') ?? own(m, 'StatementId');
      const index = own(m, 'StatementIndex');
      return {
        policyId: own(m, 'SourcePolicyId') ?? '',
        policyType: own(m, 'SourcePolicyType') ?? '',
        ...(sid === undefined ? {} : { sid }),
        ...(index === undefined ? {} : { index }),
      };
    }),
    missingContext: memberEls(r, 'MissingContextValues').map((m) => m.textContent ?? ''),
    nearMisses: memberEls(r, 'NearMisses').map((m) => {
      const sid = own(m, 'Sid');
      const operator = own(m, 'Operator');
      const key = own(m, 'Key') ?? own(m, 'ContextKeyName');
      return {
        policyId: own(m, 'SourcePolicyId') ?? '',
        ...(sid === undefined ? {} : { sid }),
        ...(operator === undefined ? {} : { operator }),
        ...(key === undefined ? {} : { key }),
        missing: own(m, 'Missing') === 'true',
      };
    }),
  }));
}

export interface SimulationRequest {
  actions: string[];
  resources: string[];
  context: ContextEntryInput[];
}

/** SimulatePrincipalPolicy for a user or group ARN. */
export async function simulatePrincipal(arn: string, req: SimulationRequest): Promise<EvaluationResult[]> {
  const doc = await iam('SimulatePrincipalPolicy', {
    PolicySourceArn: arn,
    ...members('ActionNames', req.actions),
    ...members('ResourceArns', req.resources),
    ...contextParams(req.context),
  });
  return resultsOf(doc);
}

/** SimulateCustomPolicy over given documents (a role's policies: IAM cannot simulate roles directly). */
export async function simulateCustom(
  documents: readonly string[],
  req: SimulationRequest,
): Promise<EvaluationResult[]> {
  const doc = await iam('SimulateCustomPolicy', {
    ...members('PolicyInputList', documents),
    ...members('ActionNames', req.actions),
    ...members('ResourceArns', req.resources),
    ...contextParams(req.context),
  });
  return resultsOf(doc);
}
