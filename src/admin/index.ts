export type { IamApi, IamApiRequest, IamApiResponse } from './types.js';
