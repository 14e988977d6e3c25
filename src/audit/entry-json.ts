import { STATUS_CODES } from 'node:http';
import { type AuditEvent, type EntryContext, goDuration, skewOf } from './entry.js';
import { FieldList, type Fields } from './field-list.js';
import { num, str, strs } from './json-text.js';
import { isSecretName, REDACTED, redact, redactValue } from './redact.js';

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
  const t = e.timings;
  let out = headJson(ctx.deploymentId ?? e.deploymentId, timeJson(e.time), ctx.node, e.trigger);
  out += apiJson(e);
  out += `,"rx":${num(e.bytesIn)},"tx":${num(e.bytesOut)}`;
  if (t.firstByteMs !== undefined) {
    out += `,"timeToFirstByte":"${goDuration(t.firstByteMs)}","timeToFirstByteInNS":"${Math.round(t.firstByteMs * 1e6)}"`;
  }
  out += `,"timeToResponse":"${goDuration(t.totalMs)}","timeToResponseInNS":"${Math.round(t.totalMs * 1e6)}"}`;
  out += e.remoteAddress === undefined ? ',"requestID":' : remoteJson(e.remoteAddress);
  out += str(e.requestId);
  out += requestLineJson(e.userAgent, e.request.method, e.request.host, e.request.path);
  out += `${queryJson(e.request.query)},"requestHeader":${fieldsJson(e.request.headers)},"responseHeader":${fieldsJson(e.response.headers)}`;
  const failed = a.error !== undefined;
  const outcome = failed
    ? 'failure'
    : (a.principalType ?? 'anonymous') === 'anonymous'
      ? 'anonymous'
      : 'success';
  out += failed ? authJson(e, outcome) : authMemo(e, outcome);
  out += authzMemo(e.authz, outcome === 'anonymous');
  if (e.change !== undefined) out += `,"change":${JSON.stringify(redact(e.change))}`;
  if (e.damage !== undefined) out += `,"damage":${JSON.stringify(redact(e.damage))}`;
  return out;
}

// The parts of an entry that repeat from one request to the next (the same deployment, client,
// object, principal and decision) are kept as text from the entry before: each memo holds the
// last inputs and their JSON, so an entry is a few concatenations of parts made once.

let headKey: [string | undefined, string, string, string | undefined] | undefined;
let headPre = '';
let headPost = '';

/** `"version":"1","deploymentid":…,"time":…,"node":…,"trigger":…,"api":` */
function headJson(
  deploymentid: string | undefined,
  time: string,
  node: string,
  trigger: string | undefined,
): string {
  const k = headKey;
  if (k === undefined || k[0] !== deploymentid || k[2] !== node || k[3] !== trigger) {
    headKey = [deploymentid, time, node, trigger];
    headPre =
      deploymentid === undefined
        ? '"version":"1","time":'
        : `"version":"1","deploymentid":${str(deploymentid)},"time":`;
    headPost = `,"node":${str(node)},"trigger":${trigger === 'internal' ? '"internal"' : '"incoming"'},"api":`;
  }
  return headPre + time + headPost;
}

let lastTime = '';
let lastTimeJson = '""';

function timeJson(time: string): string {
  if (time !== lastTime) {
    lastTime = time;
    lastTimeJson = str(time);
  }
  return lastTimeJson;
}

let apiKey: AuditEvent | undefined;
let apiText = '';

/** `{"name":…,"bucket":…,"object":…,"versionId":…,"status":…,"statusCode":…,"errorCode":…` */
function apiJson(e: AuditEvent): string {
  const k = apiKey;
  if (
    k !== undefined &&
    k.api === e.api &&
    k.bucket === e.bucket &&
    k.key === e.key &&
    k.versionId === e.versionId &&
    k.status === e.status &&
    k.errorCode === e.errorCode
  )
    return apiText;
  let api = `{"name":${str(e.api)}`;
  if (e.bucket !== undefined) api += `,"bucket":${str(e.bucket)}`;
  if (e.key !== undefined) api += `,"object":${str(e.key)}`;
  if (e.versionId !== undefined) api += `,"versionId":${str(e.versionId)}`;
  api += `,"status":${str(STATUS_CODES[e.status] ?? String(e.status))},"statusCode":${num(e.status)}`;
  if (e.errorCode !== undefined) api += `,"errorCode":${str(e.errorCode)}`;
  apiKey = e;
  apiText = api;
  return api;
}

let lastRemote: string | undefined;
let lastRemoteJson = '';

function remoteJson(remote: string): string {
  if (remote !== lastRemote) {
    lastRemote = remote;
    lastRemoteJson = `,"remotehost":${str(remote)},"requestID":`;
  }
  return lastRemoteJson;
}

let lineKey: [string | undefined, string, string | undefined, string] | undefined;
let lineText = '';

/** `,"userAgent":…,"requestMethod":…,"requestHost":…,"requestPath":…,"requestQuery":` */
function requestLineJson(
  ua: string | undefined,
  method: string,
  host: string | undefined,
  path: string,
): string {
  const k = lineKey;
  if (k !== undefined && k[0] === ua && k[1] === method && k[2] === host && k[3] === path) return lineText;
  let out = ua === undefined ? '' : `,"userAgent":${str(ua)}`;
  out += `,"requestMethod":${str(method)}`;
  if (host !== undefined) out += `,"requestHost":${str(host)}`;
  out += `,"requestPath":${str(path)},"requestQuery":`;
  lineKey = [ua, method, host, path];
  lineText = out;
  return out;
}

let authKey: AuditEvent['auth'] | undefined;
let authErr: string | undefined;
let authText = '';

/**
 * The principal's part of an entry that did not fail authentication; the http layer hands the
 * same (frozen) auth object to every request of one principal and key.
 */
function authMemo(e: AuditEvent, outcome: string): string {
  if (e.auth === authKey && e.errorCode === authErr && Object.isFrozen(e.auth)) return authText;
  const text = authJson(e, outcome);
  authKey = e.auth;
  authErr = e.errorCode;
  authText = text;
  return text;
}

/** `,"accessKey":…,"parentUser":…,"error":…,"auth":{…}` */
function authJson(e: AuditEvent, outcome: string): string {
  const a = e.auth;
  const failed = a.error !== undefined;
  let out = '';
  if (a.accessKey !== undefined) out += `,"accessKey":${str(a.accessKey)}`;
  if (a.parentUser !== undefined) out += `,"parentUser":${str(a.parentUser)}`;
  if (e.errorCode !== undefined) out += `,"error":${str(e.errorCode)}`;
  let auth = '{';
  if (a.kind !== undefined) auth += `"kind":${str(a.kind)},`;
  if (a.accessKey !== undefined) auth += `"accessKey":${str(a.accessKey)},`;
  if (a.parentUser !== undefined) auth += `"parentUser":${str(a.parentUser)},`;
  auth += `"principalType":${str(failed ? 'unknown' : (a.principalType ?? 'anonymous'))}`;
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
  return `${out},"auth":${auth}}`;
}

let authzKey: AuditEvent['authz'] | undefined;
let authzAnonymous = false;
let authzText = '';

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The decision's part, kept while decisions repeat (the same reason, actions and resources). */
function authzMemo(z: AuditEvent['authz'], anonymous: boolean): string {
  const k = authzKey;
  if (
    k !== undefined &&
    z.statements === undefined &&
    k.statements === undefined &&
    k.decision === z.decision &&
    k.reason === z.reason &&
    authzAnonymous === anonymous &&
    sameList(k.actions, z.actions) &&
    sameList(k.resources, z.resources)
  )
    return authzText;
  const text = authzJson(z, anonymous);
  authzKey = z;
  authzAnonymous = anonymous;
  authzText = text;
  return text;
}

/** `,"authz":{…}` */
function authzJson(z: AuditEvent['authz'], anonymous: boolean): string {
  const reason = z.decision === 'deny' && anonymous ? 'anonymous-denied' : z.reason;
  let out = `,"authz":{"decision":${str(z.decision)}`;
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
  return `${out}}`;
}

let lastQuery: Fields | undefined;
let lastQueryJson = '';

/** The query's part: the text of the list before when it is the same list (facts.ts selectRawQuery). */
function queryJson(q: Fields): string {
  if (q !== lastQuery || !(q instanceof FieldList)) {
    lastQueryJson = fieldsJson(q);
    lastQuery = q;
  }
  return lastQueryJson;
}

/** Headers or query parameters as `redact` leaves them, in JSON. */
function fieldsJson(f: Fields): string {
  // Selected by facts.ts: every value is redactValue's already.
  if (f instanceof FieldList) {
    const a = f.items;
    if (a.length === 0) return '{}';
    let out = `{${str(a[0]!)}:${str(a[1]!)}`;
    for (let i = 2; i < a.length; i += 2) out += `,${str(a[i]!)}:${str(a[i + 1]!)}`;
    return `${out}}`;
  }
  return mapJson(f);
}

/** A plain header or query map, redacted as `redact` would, in JSON. */
function mapJson(map: Readonly<Record<string, unknown>>): string {
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
