import type { ChangeFact } from '../audit/index.js';
import type { Principal } from '../core/index.js';

/**
 * An IAM Query API call as the http pipeline hands it over: already authenticated (SigV4 with
 * scope service `iam`), the form body parsed. Authorization of the action happens inside the API.
 */
export interface IamApiRequest {
  principal: Principal;
  /** The form parameters (Action, Version, UserName, …). */
  params: URLSearchParams;
  requestId: string;
  /** Global condition context of the request (aws:SourceIp, aws:CurrentTime, …). */
  context: Record<string, string | string[]>;
}

/** The API's answer: AWS's XML response document. Errors are thrown as TesseraError. */
export interface IamApiResponse {
  status: number;
  body: string;
  /** What a mutating call changed, for its audit entry (docs/audit.md `change`); never a secret. */
  change?: ChangeFact;
}

export type IamApi = (req: IamApiRequest) => Promise<IamApiResponse>;
