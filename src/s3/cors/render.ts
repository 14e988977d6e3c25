import { renderXml, type XmlNode } from '../../core/index.js';
import type { CorsConfiguration } from './model.js';

/**
 * The GetBucketCors document. Inside a rule S3 writes the elements in this order: ID,
 * AllowedMethod, AllowedOrigin, AllowedHeader, MaxAgeSeconds, ExposeHeader; rules and values in
 * the order they were put.
 */
export function renderCors(config: CorsConfiguration): string {
  const rules: XmlNode[] = config.rules.map((r) => ({
    ID: r.id,
    AllowedMethod: [...r.allowedMethods],
    AllowedOrigin: [...r.allowedOrigins],
    AllowedHeader: [...r.allowedHeaders],
    MaxAgeSeconds: r.maxAgeSeconds,
    ExposeHeader: [...r.exposeHeaders],
  }));
  return renderXml('CORSConfiguration', { CORSRule: rules });
}
