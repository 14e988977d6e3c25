/**
 * The policy engine: the AWS IAM policy language, parsed, validated, compiled and evaluated.
 * Pure: no I/O; the time reaches conditions through the request context (aws:CurrentTime).
 *
 * - `parsePolicy(json, { kind, maxBytes, bucket }) → PolicyDocument` validates (throws PolicyError
 *   with the JSON path and the rule).
 * - `compilePolicy(doc, name) → CompiledPolicy` compiles once.
 * - `evaluate(compiled[], { action, resource, context, principal }, { explain }) → Decision`
 *   evaluates one set to explicitDeny / allowed / implicitDeny.
 * - `authorize(sets, request) → Decision` combines a principal's identity, bucket, session and
 *   service-account policies as AWS does.
 * - `simulate(compiled[], { actions, resources, context }) → SimulationResult[]` mirrors
 *   SimulateCustomPolicy.
 * - `builtinPolicy(name)` gives MinIO's consoleAdmin, readonly, readwrite, writeonly, diagnostics.
 */
export {
  type ActionFamily,
  type ActionInfo,
  actionInfo,
  expandActionPattern,
  knownActions,
} from './actions/catalog.js';
export type { S3ActionName } from './actions/s3.js';
export { type AuthzPrincipal, authorize, mayDeny, type PrincipalPolicySets } from './authorize.js';
export { type BuiltinName, builtinNames, builtinPolicy, compiledBuiltin, isBuiltinName } from './builtin.js';
export { type CompiledPolicy, compilePolicy } from './compile.js';
export { operatorNames } from './conditions/operators.js';
export { RequestContext } from './context.js';
export { isPolicyError, PolicyError } from './errors.js';
export { type AuthzRequest, type EvaluateOptions, evaluate } from './evaluate.js';
export { actionKeys, conditionKeysFor, globalKeys, isKnownKey } from './keys.js';
export { evaluateNaive } from './naive.js';
export { defaultLimits, type ParseOptions, parsePolicy } from './parse/document.js';
export { isPublicPolicy } from './public-policy.js';
export { serializePolicy } from './serialize.js';
export {
  type ContextEntry,
  type ContextKeyType,
  contextFromEntries,
  type SimulationRequest,
  type SimulationResult,
  simulate,
} from './simulate.js';
export type * from './types.js';
