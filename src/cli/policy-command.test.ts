import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseContextArg, registerPolicyCommands } from './policy-command.js';

const files: Record<string, string> = {
  'good.json': JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Get', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      {
        Effect: 'Deny',
        Action: 's3:*',
        Resource: '*',
        Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      },
    ],
  }),
  'bad.json': JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:Fly', Resource: '*' }],
  }),
};

function run(...args: string[]) {
  let out = '';
  let code = 0;
  const program = new Command().exitOverride();
  registerPolicyCommands(program, {
    readFile: (p) => {
      const f = files[p];
      if (f === undefined) throw new Error(`ENOENT: ${p}`);
      return f;
    },
    out: (t) => {
      out += t;
    },
    exit: (c) => {
      code = c;
    },
  });
  program.parse(args, { from: 'user' });
  return { out, code };
}

describe('tessera policy', () => {
  it('validate prints OK or the error with its path, exit 1 on any invalid file', () => {
    const r = run('policy', 'validate', 'good.json', 'bad.json', 'missing.json');
    expect(r.out).toContain('OK    good.json');
    expect(r.out).toContain(
      'FAIL  bad.json: MalformedPolicyDocument: Statement[0].Action: "s3:Fly" matches no known action',
    );
    expect(r.out).toContain('FAIL  missing.json: ENOENT');
    expect(r.code).toBe(1);
    expect(run('policy', 'validate', 'good.json').code).toBe(0);
  });

  it('simulate prints a table of decisions with matched statements and missing keys', () => {
    const r = run(
      'policy',
      'simulate',
      '--policy',
      'good.json',
      '--action',
      's3:GetObject',
      's3:PutObject',
      '--resource',
      'arn:aws:s3:::b/k',
      '--context',
      'aws:SourceIp=ip:10.1.2.3',
    );
    expect(r.out.split('\n')[0]).toMatch(/^ACTION\s+RESOURCE\s+DECISION\s+MATCHED\s+MISSING CONTEXT KEYS$/);
    expect(r.out).toMatch(/s3:GetObject\s+arn:aws:s3:::b\/k\s+allowed\s+good\.json#0\(Get\)/);
    expect(r.out).toMatch(/s3:PutObject\s+arn:aws:s3:::b\/k\s+implicitDeny/);
    const j = run(
      'policy',
      'simulate',
      '--policy',
      'good.json',
      '--action',
      's3:GetObject',
      '--resource',
      'arn:aws:s3:::b/k',
      '--json',
    );
    const rows = JSON.parse(j.out);
    expect(rows[0]).toMatchObject({ decision: 'explicitDeny', missingContextKeys: ['aws:SourceIp'] });
  });

  it('parses typed context arguments', () => {
    expect(parseContextArg('aws:TagKeys=stringList:a,b')).toEqual({
      key: 'aws:TagKeys',
      type: 'stringList',
      values: ['a', 'b'],
    });
    expect(() => parseContextArg('aws:SourceIp=10.0.0.1')).toThrow(/key=type:value/);
    expect(
      run(
        'policy',
        'simulate',
        '--policy',
        'good.json',
        '--action',
        's3:GetObject',
        '--context',
        'k=numeric:x',
      ).code,
    ).toBe(1);
  });
});
