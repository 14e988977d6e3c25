import { describe, expect, it } from 'vitest';
import { validatePolicy } from './policy-validate.js';

describe('policy validation and lint', () => {
  it('an engine error names its JSON path', () => {
    const r = validatePolicy(
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' }] },
      'identity',
    );
    expect(r.valid).toBe(false);
    expect(r.errors[0]!.path).toBe('Statement[0].Action');
    expect(validatePolicy('{"Version":', 'identity').errors[0]!.path).toBe('');
  });

  it('hints: old or missing Version, Allow *:*, NotAction, NotResource, Principal in the wrong kind', () => {
    const r = validatePolicy(
      {
        Version: '2008-10-17',
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Allow', NotAction: 's3:DeleteObject', Resource: 'arn:aws:s3:::b/*' },
          { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::b/secret/*' },
        ],
      },
      'identity',
    );
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => w.path)).toEqual([
      'Version',
      'Statement[0]',
      'Statement[1].NotAction',
      'Statement[2].NotResource',
    ]);
    const missing = validatePolicy(
      { Statement: { Effect: 'Deny', Action: 's3:*', Resource: '*' } },
      'identity',
    );
    expect(missing.warnings.map((w) => w.path)).toEqual(['Version']);
    const resource = validatePolicy(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
        ],
      },
      'resource',
    );
    expect(resource).toEqual({ valid: true, errors: [], warnings: [] });
  });
});
