import { type Principal, TesseraError } from '../core/index.js';
import { type IamService, principalContext } from '../iam/index.js';
import { authorize, type Decision } from '../policy/index.js';
import {
  type AccessCheck,
  accessChecks,
  bucketArn,
  existingTagContext,
  type Operation,
  objectArn,
  type S3Access,
} from '../s3/index.js';
import type { MetadataStore } from '../storage/index.js';

export interface AccessControlOptions {
  iam: IamService;
  metadata: MetadataStore;
  /** The default account's id as ARNs show it ('' for MinIO-style ARNs). */
  accountId: string;
}

/** What authorization knows about one request. */
export interface AccessRequest {
  principal: Principal;
  op: Operation;
  headers: Record<string, string | string[] | undefined>;
  query: URLSearchParams;
  /** Global and per-request condition keys (request-context.ts), built on demand. */
  context: () => Record<string, string | string[]>;
}

/** The outcome of the authorization stage, for the handler and the request event. */
export interface AccessOutcome {
  /** Undefined for root: every further check is allowed. */
  access?: S3Access;
  decision?: Decision;
}

function bucketOf(resource: string): string | undefined {
  if (!resource.startsWith('arn:aws:s3:::') || resource === 'arn:aws:s3:::*') return undefined;
  const rest = resource.slice('arn:aws:s3:::'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? rest : rest.slice(0, slash);
}

/**
 * The authorization stage: every check of the operation must be allowed by policy.authorize over
 * the principal's identity policies and the bucket policy (root is never evaluated). A denial is
 * AccessDenied, raised before anything reveals whether the bucket or object exists.
 */
export class AccessControl {
  constructor(private readonly o: AccessControlOptions) {}

  async authorize(req: AccessRequest): Promise<AccessOutcome> {
    if (req.principal.type === 'root') return {};
    if (req.op.name === 'NotImplemented' && req.principal.type === 'anonymous')
      throw new TesseraError('AccessDenied');
    const base = { ...principalContext(req.principal, this.o.accountId), ...req.context() };
    let last: Decision | undefined;
    for (const check of accessChecks(req.op, req)) {
      last = await this.decide(req.principal, check, base);
      if (!last.allowed) throw new TesseraError('AccessDenied');
    }
    return { access: this.accessFor(req.principal, base), ...(last ? { decision: last } : {}) };
  }

  /** One check: the principal's policy sets for the resource's bucket, with the check's context. */
  async decide(
    principal: Principal,
    check: AccessCheck,
    base: Record<string, string | string[]>,
  ): Promise<Decision> {
    const context = { ...base, ...check.context };
    if (check.existingTagsOf) {
      const obj = await this.o.metadata.getObject(check.existingTagsOf.bucket, check.existingTagsOf.key);
      if (obj) existingTagContext(obj.tags, context);
    }
    const sets = await this.o.iam.policySetsFor(principal, bucketOf(check.resource));
    const requestPrincipal =
      principal.type === 'anonymous'
        ? { anonymous: true }
        : { account: this.o.accountId, ...(principal.arn !== undefined ? { arn: principal.arn } : {}) };
    return authorize(sets, {
      action: check.action,
      resource: check.resource,
      context,
      principal: requestPrincipal,
    });
  }

  /** Per-key and per-bucket questions handlers ask later in the request (DeleteObjects, ListBuckets). */
  private accessFor(principal: Principal, base: Record<string, string | string[]>): S3Access {
    const allowed = async (action: string, resource: string) =>
      (await this.decide(principal, { action, resource, context: {} }, base)).allowed;
    return {
      objectAllowed: (action, bucket, key) => allowed(action, objectArn(bucket, key)),
      bucketAllowed: (action, bucket) => allowed(action, bucketArn(bucket)),
      bucketVisible: async (bucket) => {
        // "Listing only buckets the principal may access in some way" (as MinIO does).
        for (const action of ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads']) {
          if (await allowed(action, bucketArn(bucket))) return true;
        }
        for (const action of ['s3:GetObject', 's3:PutObject']) {
          if (await allowed(action, `${bucketArn(bucket)}/*`)) return true;
        }
        return false;
      },
    };
  }
}
