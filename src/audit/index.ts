/**
 * The audit trail (rank 1, imports only core): the entry schema (entry.ts), the one redaction
 * (redact.ts), the tamper-evident chain (chain.ts), targets (targets/), and reading files back
 * (verify.ts, query.ts). docs/audit.md describes the format.
 */
export {
  type AuditKey,
  Chain,
  type Checkpoint,
  checkSignature,
  deriveAuditKey,
  genesisHash,
  sha256,
  signCheckpoint,
} from './chain.js';
export {
  type AuditEntry,
  type AuditEvent,
  type AuthOutcome,
  type ChangeFact,
  type DocumentDigest,
  type EntryContext,
  goDuration,
  type StatementFact,
  toAuditEntry,
} from './entry.js';
export { auditEntryFields, auditEntryJson } from './entry-json.js';
export {
  addPrincipalFacts,
  authFailureReason,
  claimedAccessKey,
  documentDigest,
  type PrincipalFacts,
  principalFacts,
  selectQuery,
  selectRawQuery,
  selectRequestHeaders,
  selectResponseHeaders,
} from './facts.js';
export { FieldList, type Fields, fieldOf, fieldsRecord } from './field-list.js';
export { type AuditFilter, matches, queryFiles, type StoredEntry } from './query.js';
export { isSecretName, REDACTED, redact, redactAuthorization, redactMap, redactValue } from './redact.js';
export { FileTarget, type FileTargetOptions, fileLayout } from './targets/file.js';
export { MultiTarget, statsByTarget } from './targets/multi.js';
export { type NatsOptions, NatsSender, NatsTarget, type NatsTargetOptions } from './targets/nats.js';
export { EntryQueue, lineId } from './targets/queue.js';
export { RemoteTarget, type RemoteTargetOptions, type Sender } from './targets/remote.js';
export { Spool, type SpoolOptions } from './targets/spool.js';
export type { AuditTarget, TargetStats } from './targets/target.js';
export {
  authorization,
  WEBHOOK_FORMATS,
  WebhookError,
  type WebhookFormat,
  type WebhookOptions,
  WebhookSender,
  WebhookTarget,
  type WebhookTargetOptions,
  webhookBody,
} from './targets/webhook.js';
export { type VerifyProblem, type VerifyReport, verifyFiles } from './verify.js';
