import { STATUS_CODES } from 'node:http';
import { type AuditEvent, type EntryContext, goDuration, skewOf } from './entry.js';
import { num, str, strs } from './json-text.js';
import { isMarkedRedacted, isSecretName, REDACTED, redact, redactValue } from './redact.js';

/**
 * The audit entry of a request event as its JSON text: the same text as
 * `JSON.stringify(toAuditEntry(e, ctx))` (the same fields, order and redaction — a property test
 * holds the two together), written field by field instead of building the entry object, copying
 * it through `redact` and walking it again in JSON.stringify. It runs once per audited request.
 *
 * Redaction is still redact.ts's: the header and query maps go through `redactValue` by name as
 * `redact` would take them, `change` and `damage` through `redact` itself. The fixed field names
 * of the schema carry no secret (entry-json.test.ts checks that), so their values are written as
 * they are.
 */
export function auditEntryJson(e: AuditEvent, ctx: EntryContext): string {
  return `{${auditEntryFields(e, ctx)}}`;
}

/** auditEntryJson without its braces: the fields, for Chain.lineOfFields. */
export function auditEntryFields(e: AuditEvent, ctx: EntryContext): string {
  const a = e.auth;
  const failed = a.error !== undefined;
  const type = a.principalType ?? 'anonymous';
  const outcome = failed ? 'failure' : type === 'anonymous' ? 'anonymous' : 'success';
  const t = e.timings;
  const deploymentid = ctx.deploymentId ?? e.deploymentId;

  let api = `{"name":${str(e.api)}`;
  if (e.bucket !== undefined) api += `,"bucket":${str(e.bucket)}`;
  if (e.key !== undefined) api += `,"object":${str(e.key)}`;
  if (e.versionId !== undefined) api += `,"versionId":${str(e.versionId)}`;
  api += `,"status":${str(STATUS_CODES[e.status] ?? String(e.status))},"statusCode":${num(e.status)}`;
  if (e.errorCode !== undefined) api += `,"errorCode":${str(e.errorCode)}`;
  api += `,"rx":${num(e.bytesIn)},"tx":${num(e.bytesOut)}`;
  if (t.firstByteMs !== undefined) {
    api += `,"timeToFirstByte":"${goDuration(t.firstByteMs)}","timeToFirstByteInNS":"${Math.round(t.firstByteMs * 1e6)}"`;
  }
  api += `,"timeToResponse":"${goDuration(t.totalMs)}","timeToResponseInNS":"${Math.round(t.totalMs * 1e6)}"}`;

  let out = '"version":"1"';
  if (deploymentid !== undefined) out += `,"deploymentid":${str(deploymentid)}`;
  out += `,"time":${str(e.time)},"node":${str(ctx.node)},"trigger":${e.trigger === 'internal' ? '"internal"' : '"incoming"'},"api":${api}`;
  if (e.remoteAddress !== undefined) out += `,"remotehost":${str(e.remoteAddress)}`;
  out += `,"requestID":${str(e.requestId)}`;
  if (e.userAgent !== undefined) out += `,"userAgent":${str(e.userAgent)}`;
  out += `,"requestMethod":${str(e.request.method)}`;
  if (e.request.host !== undefined) out += `,"requestHost":${str(e.request.host)}`;
  out += `,"requestPath":${str(e.request.path)}`;
  out += `,"requestQuery":${mapJson(e.request.query)},"requestHeader":${mapJson(e.request.headers)}`;
  out += `,"responseHeader":${mapJson(e.response.headers)}`;
  if (a.accessKey !== undefined) out += `,"accessKey":${str(a.accessKey)}`;
  if (a.parentUser !== undefined) out += `,"parentUser":${str(a.parentUser)}`;
  if (e.errorCode !== undefined) out += `,"error":${str(e.errorCode)}`;

  let auth = '{';
  if (a.kind !== undefined) auth += `"kind":${str(a.kind)},`;
  if (a.accessKey !== undefined) auth += `"accessKey":${str(a.accessKey)},`;
  if (a.parentUser !== undefined) auth += `"parentUser":${str(a.parentUser)},`;
  auth += `"principalType":${str(failed ? 'unknown' : type)}`;
  if (a.principalArn !== undefined) auth += `,"principalArn":${str(a.principalArn)}`;
  if (a.account !== undefined) auth += `,"account":${str(a.account)}`;
  if (a.groups !== undefined) auth += `,"groups":${strs(a.groups)}`;
  if (a.sessionId !== undefined) auth += `,"sessionId":${str(a.sessionId)}`;
  if (a.identitySource !== undefined) auth += `,"identitySource":${str(a.identitySource)}`;
  auth += `,"outcome":"${outcome}"`;
  if (failed) {
    const reason = a.failure ?? a.error!;
    auth += `,"failureReason":${str(reason)}`;
    if (reason === 'clock-skew') {
      const ms = skewOf(e);
      if (ms !== undefined) auth += `,"skewMs":${num(ms)}`;
    }
  }
  out += `,"auth":${auth}}`;

  const z = e.authz;
  const reason = z.decision === 'deny' && outcome === 'anonymous' ? 'anonymous-denied' : z.reason;
  out += `,"authz":{"decision":${str(z.decision)}`;
  if (reason !== undefined) out += `,"reason":${str(reason)}`;
  if (z.actions !== undefined) out += `,"actions":${strs(z.actions)}`;
  if (z.resources !== undefined) out += `,"resources":${strs(z.resources)}`;
  if (z.statements !== undefined) {
    out += ',"statements":[';
    for (let i = 0; i < z.statements.length; i++) {
      const s = z.statements[i]!;
      out += `${i === 0 ? '' : ','}{"policy":${str(s.policy)},"index":${num(s.index)}`;
      if (s.sid !== undefined) out += `,"sid":${str(s.sid)}`;
      out += `,"effect":${str(s.effect)}}`;
    }
    out += ']';
  }
  out += '}';
  if (e.change !== undefined) out += `,"change":${JSON.stringify(redact(e.change))}`;
  if (e.damage !== undefined) out += `,"damage":${JSON.stringify(redact(e.damage))}`;
  return out;
}

/** A header or query map as `redact` leaves it, in JSON. */
function mapJson(map: Readonly<Record<string, unknown>>): string {
  // Selected by facts.ts: every value is redactValue's already (a string), which would return it
  // unchanged; its fields are its own (the class defines none).
  if (isMarkedRedacted(map)) {
    let out = '';
    for (const k in map) out += `,${str(k)}:${str(map[k] as string)}`;
    return out === '' ? '{}' : `{${out.slice(1)}}`;
  }
  let out = '{';
  for (const k of Object.keys(map)) {
    const v = map[k];
    let json: string | undefined;
    if (typeof v === 'string') json = JSON.stringify(redactValue(k, v));
    else if (v !== null && typeof v === 'object')
      json = isSecretName(k) ? `"${REDACTED}"` : JSON.stringify(redact(v));
    else json = JSON.stringify(v);
    if (json === undefined) continue; // undefined, functions: JSON.stringify leaves the field out
    out += `${out === '{' ? '' : ','}${JSON.stringify(k)}:${json}`;
  }
  return `${out}}`;
}
