export type { Authorizer, PipelineOptions } from './pipeline.js';
export type { EventSink, RequestEvent } from './request-event.js';
export { createS3Server } from './server.js';
