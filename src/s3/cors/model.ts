/**
 * A bucket's CORS configuration (PutBucketCors), as S3 keeps it: the rules in the order given,
 * each value as sent (cases and spaces kept). Plain data: the store keeps it as JSON.
 */

/** "Valid values are GET, PUT, HEAD, POST, and DELETE." (CORSRule.AllowedMethods) */
export const CORS_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'] as const;
export type CorsMethod = (typeof CORS_METHODS)[number];

export function isCorsMethod(value: string): value is CorsMethod {
  return (CORS_METHODS as readonly string[]).includes(value);
}

export interface CorsRule {
  /** Absent when the rule had no ID element; '' for an empty one (S3 gives it back). */
  readonly id?: string;
  readonly allowedOrigins: readonly string[];
  readonly allowedMethods: readonly CorsMethod[];
  readonly allowedHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds?: number;
}

export interface CorsConfiguration {
  readonly rules: readonly CorsRule[];
}

const FORMAT = 1;

/** The document setBucketConfig(bucket, 'cors', …) stores. */
export function serializeCors(config: CorsConfiguration): string {
  return JSON.stringify({ format: FORMAT, rules: config.rules });
}

/** Reads what serializeCors wrote. */
export function deserializeCors(document: string): CorsConfiguration {
  const parsed = JSON.parse(document) as { format?: number; rules?: CorsRule[] };
  if (parsed.format !== FORMAT || !Array.isArray(parsed.rules))
    throw new Error(`unknown CORS configuration format ${String(parsed.format)}`);
  return { rules: parsed.rules };
}
