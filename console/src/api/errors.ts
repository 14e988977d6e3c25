/** An error from the console back end or from a Tessera API it relayed: the S3/IAM code beside the words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Reads an error body whatever the API: the console's JSON `{code, message}`, MinIO's admin JSON
 * `{Code, Message}`, S3's `<Error><Code>`, or IAM/STS's `<ErrorResponse><Error><Code>`.
 */
export function errorFromBody(status: number, contentType: string, text: string): ApiError {
  if (contentType.includes('json')) {
    try {
      const j = JSON.parse(text) as Record<string, unknown>;
      const code = String(j.code ?? j.Code ?? `HTTP${status}`);
      const message = String(j.message ?? j.Message ?? '');
      return new ApiError(status, code, message);
    } catch {
      // fall through to the generic message
    }
  }
  if (text.trimStart().startsWith('<')) {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const code = doc.querySelector('Error > Code')?.textContent ?? doc.querySelector('Code')?.textContent;
    const message =
      doc.querySelector('Error > Message')?.textContent ?? doc.querySelector('Message')?.textContent;
    if (code) return new ApiError(status, code, message ?? '');
  }
  return new ApiError(status, `HTTP${status}`, text.slice(0, 200) || `The request failed (${status}).`);
}
