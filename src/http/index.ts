export {
  AccessControl,
  type AccessControlOptions,
  type AccessOutcome,
  type AccessRequest,
} from './access-control.js';
export { DebugNote } from './client-gone.js';
export type { Authorizer, PipelineOptions } from './pipeline.js';
export { renderIamError } from './render-iam-error.js';
export { TrustedProxies } from './request-context.js';
export type { EventSink, RequestEvent } from './request-event.js';
export { createS3Server } from './server.js';
export { type ConnectionTimeouts, DEFAULT_TIMEOUTS } from './timeouts.js';
