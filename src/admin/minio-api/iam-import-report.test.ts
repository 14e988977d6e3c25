import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/index.js';
import { ImportReport } from './iam-import-report.js';

describe('ImportReport (madmin.ImportIAMResult)', () => {
  it('lists each outcome by kind, mappings as {entity: policies}, empty lists left out', () => {
    const r = new ImportReport();
    expect(r.toJSON()).toEqual({});
    r.add('users', 'alice');
    r.add('userPolicies', 'alice', ['readonly', 'x']);
    r.skip('policies', 'readwrite');
    r.remove('policies', 'gone');
    r.fail('groupPolicies', 'ops', new TesseraError('XMinioAdminNoSuchPolicy', 'no x'), ['x']);
    expect(r.toJSON()).toEqual({
      skipped: { policies: ['readwrite'] },
      removed: { policies: ['gone'] },
      added: { users: ['alice'], userPolicies: [{ alice: ['readonly', 'x'] }] },
      failed: {
        groupPolicies: [
          { name: 'ops', policies: ['x'], errorCode: 'XMinioAdminNoSuchPolicy', errorMessage: 'no x' },
        ],
      },
    });
    expect(r.counts()).toEqual({ added: 2, skipped: 1, removed: 1, failed: 1 });
  });

  it("never writes madmin's `error` field (madmin-go cannot unmarshal a non-null one)", () => {
    const r = new ImportReport();
    r.fail('users', 'bad', new TesseraError('XMinioAdminInvalidArgument', 'bad name'));
    expect(JSON.stringify(r)).not.toContain('"error"');
  });
});
