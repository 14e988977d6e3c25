import type { AuthKind } from '../auth/index.js';

/**
 * The one structured event that ends every request: who, what, outcome, timings. The audit
 * trail builds on it (versioned schema).
 */
export interface RequestEvent {
  version: 1;
  time: string;
  requestId: string;
  api: string;
  bucket?: string;
  key?: string;
  remoteAddress?: string;
  userAgent?: string;
  auth: { kind?: AuthKind; accessKey?: string; principalType?: string; error?: string };
  authz: { decision: 'allow' | 'deny' | 'none'; reason?: string };
  status: number;
  errorCode?: string;
  bytesIn: number;
  bytesOut: number;
  timings: { totalMs: number; authMs?: number };
}

export type EventSink = (event: RequestEvent) => void;
