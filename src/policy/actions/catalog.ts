import { compileGlob } from '../wildcard.js';
import { iamActions, stsActions } from './iam-sts.js';
import { adminActions, kmsActions, s3expressActions } from './minio.js';
import { type S3ResourceType, s3Actions } from './s3.js';

/** The service prefix of an action. */
export type ActionFamily = 's3' | 's3express' | 'admin' | 'kms' | 'sts' | 'iam';

/** What the catalog knows about one action. */
export interface ActionInfo {
  /** Canonical spelling, e.g. `s3:GetObject`. */
  readonly name: string;
  readonly family: ActionFamily;
  /** For `s3:` actions: the resource type it applies to. */
  readonly resourceType?: S3ResourceType;
  /**
   * True when statements are matched without looking at Resource (MinIO's sts). Admin actions
   * look at Resource with their own rule (compile-statement.ts DEPLOYMENT_WIDE).
   */
  readonly resourceless: boolean;
}

function build(): Map<string, ActionInfo> {
  const all = new Map<string, ActionInfo>();
  const add = (name: string, family: ActionFamily, resourceType?: S3ResourceType): void => {
    const resourceless = family === 'sts';
    const info: ActionInfo =
      resourceType === undefined
        ? { name, family, resourceless }
        : { name, family, resourceType, resourceless };
    const key = name.toLowerCase();
    if (!all.has(key)) all.set(key, info);
  };
  for (const [name, type] of s3Actions) add(name, 's3', type);
  for (const name of s3expressActions) add(name, 's3express');
  for (const name of adminActions) add(name, 'admin');
  for (const name of kmsActions) add(name, 'kms');
  for (const name of stsActions) add(name, 'sts');
  for (const name of iamActions) add(name, 'iam');
  return all;
}

/** Lower-cased action name → info. */
const catalog = build();
const allInfos: readonly ActionInfo[] = [...catalog.values()];

/** Every known action, canonical spelling. */
export function knownActions(): readonly ActionInfo[] {
  return allInfos;
}

/**
 * Looks up an action by name, ignoring case (action names are case-insensitive in IAM).
 * @example actionInfo('S3:getobject')?.name === 's3:GetObject'
 */
export function actionInfo(name: string): ActionInfo | undefined {
  return catalog.get(name) ?? catalog.get(name.toLowerCase());
}

/**
 * The known actions an Action pattern (`*`, `s3:Get*`, `s3:?etObject`) covers; empty when it
 * matches none, which the parser reports as an error.
 */
export function expandActionPattern(pattern: string): readonly ActionInfo[] {
  const lower = pattern.toLowerCase();
  const exact = catalog.get(lower);
  if (exact) return [exact];
  const match = compileGlob(lower);
  return allInfos.filter((a) => match(a.name.toLowerCase()));
}
