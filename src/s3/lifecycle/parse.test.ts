import { describe, expect, it } from 'vitest';
import { isTesseraError, parseXml } from '../../core/index.js';
import { deserializeLifecycle, serializeLifecycle } from './model.js';
import { MAX_RULES, parseLifecycle, parseTransitionMinimum } from './parse.js';

const doc = (rules: string) =>
  parseXml(`<LifecycleConfiguration>${rules}</LifecycleConfiguration>`, 'LifecycleConfiguration');
const parse = (rules: string) => parseLifecycle(doc(rules), 'all_storage_classes_128K', () => 'generated');
const rule = (body: string, id = '<ID>r</ID>') => `<Rule>${id}<Status>Enabled</Status>${body}</Rule>`;

function failure(rules: string): { code: string; message: string } {
  try {
    parse(rules);
  } catch (e) {
    if (isTesseraError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('parsed');
}

const code = (rules: string) => failure(rules).code;

describe('parseLifecycle: what AWS accepts', () => {
  it('a Filter rule with every action', () => {
    const c = parse(
      rule(
        '<Filter><Prefix>logs/</Prefix></Filter><Expiration><Days>30</Days></Expiration>' +
          '<Transition><Days>0</Days><StorageClass>GLACIER</StorageClass></Transition>' +
          '<NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition>' +
          '<NoncurrentVersionExpiration><NoncurrentDays>5</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>' +
          '<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>',
      ),
    );
    expect(c.rules).toEqual([
      {
        id: 'r',
        enabled: true,
        scope: { kind: 'filter', filter: { kind: 'prefix', prefix: 'logs/' } },
        expiration: { kind: 'days', days: 30 },
        transitions: [{ when: { kind: 'days', days: 0 }, storageClass: 'GLACIER' }],
        noncurrentTransitions: [{ noncurrentDays: 30, storageClass: 'STANDARD_IA' }],
        noncurrentExpiration: { noncurrentDays: 5, newerNoncurrentVersions: 2 },
        abortAfterDays: 7,
      },
    ]);
  });

  it('an empty Filter applies to every object; a rule without an ID gets one', () => {
    const c = parse('<Rule><Status>Disabled</Status><Filter/><Expiration><Days>1</Days></Expiration></Rule>');
    expect(c.rules[0]).toMatchObject({
      id: 'generated',
      enabled: false,
      scope: { kind: 'filter', filter: { kind: 'all' } },
    });
  });

  it('generated IDs are base64 of a UUID (48 characters), as AWS makes them', () => {
    const c = parseLifecycle(
      doc('<Rule><Status>Enabled</Status><Filter/><Expiration><Days>1</Days></Expiration></Rule>'),
    );
    expect(Buffer.from(c.rules[0]!.id, 'base64').toString()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the legacy rule-level Prefix (Lifecycle V1)', () => {
    const c = parse(rule('<Prefix>tmp/</Prefix><Expiration><Days>1</Days></Expiration>'));
    expect(c.rules[0]!.scope).toEqual({ kind: 'prefix', prefix: 'tmp/' });
  });

  it('Tag, size bounds and And filters', () => {
    const tag = parse(
      rule('<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Expiration><Days>1</Days></Expiration>'),
    );
    expect(tag.rules[0]!.scope).toEqual({
      kind: 'filter',
      filter: { kind: 'tag', tag: { key: 'k', value: 'v' } },
    });
    const gt = parse(
      rule(
        '<Filter><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></Filter><Expiration><Days>1</Days></Expiration>',
      ),
    );
    expect(gt.rules[0]!.scope).toEqual({ kind: 'filter', filter: { kind: 'sizeGreaterThan', size: 10 } });
    const and = parse(
      rule(
        '<Filter><And><Prefix>p/</Prefix><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag>' +
          '<ObjectSizeGreaterThan>1</ObjectSizeGreaterThan><ObjectSizeLessThan>100</ObjectSizeLessThan></And></Filter>' +
          '<Expiration><Days>1</Days></Expiration>',
      ),
    );
    expect(and.rules[0]!.scope).toEqual({
      kind: 'filter',
      filter: {
        kind: 'and',
        and: {
          prefix: 'p/',
          tags: [
            { key: 'a', value: '1' },
            { key: 'b', value: '2' },
          ],
          sizeGreaterThan: 1,
          sizeLessThan: 100,
        },
      },
    });
  });

  it('Date at midnight UTC, in any ISO 8601 spelling of it', () => {
    for (const d of [
      '2030-01-01',
      '2030-01-01T00:00:00Z',
      '2030-01-01T00:00:00.000Z',
      '2030-01-01T01:00:00+01:00',
    ]) {
      const c = parse(rule(`<Filter/><Expiration><Date>${d}</Date></Expiration>`));
      expect(c.rules[0]!.expiration, d).toEqual({ kind: 'date', date: Date.UTC(2030, 0, 1) });
    }
  });

  it('ExpiredObjectDeleteMarker alone', () => {
    const c = parse(
      rule('<Filter/><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>'),
    );
    expect(c.rules[0]!.expiration).toEqual({ kind: 'deleteMarker', expired: true });
  });

  it('a transition alone is an action (stored, not acted on)', () => {
    const c = parse(
      rule('<Filter/><Transition><Days>30</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>'),
    );
    expect(c.rules[0]!.transitions).toHaveLength(1);
  });

  it('the model survives its JSON serialization', () => {
    const c = parse(
      rule(
        '<Filter><And><Prefix>a</Prefix><ObjectSizeLessThan>5</ObjectSizeLessThan></And></Filter><Expiration><Days>3</Days></Expiration>',
      ),
    );
    expect(deserializeLifecycle(serializeLifecycle(c))).toEqual(c);
  });
});

describe('parseLifecycle: what AWS refuses, with its code and message', () => {
  it('no rule, more than 1,000 rules', () => {
    expect(code('')).toBe('MalformedXML');
    const many = Array.from({ length: MAX_RULES + 1 }, (_, i) =>
      rule('<Filter/><Expiration><Days>1</Days></Expiration>', `<ID>${i}</ID>`),
    );
    expect(failure(many.join(''))).toEqual({
      code: 'InvalidRequest',
      message: 'The number of lifecycle rules must not exceed the allowed limit of 1000 rules.',
    });
    const most = many.slice(0, MAX_RULES);
    expect(parse(most.join('')).rules).toHaveLength(MAX_RULES);
  });

  it('an ID over 255 characters, or used twice: InvalidArgument', () => {
    expect(
      failure(rule('<Filter/><Expiration><Days>1</Days></Expiration>', `<ID>${'x'.repeat(256)}</ID>`)),
    ).toEqual({
      code: 'InvalidArgument',
      message: 'ID length should not exceed allowed limit of 255',
    });
    expect(
      parse(rule('<Filter/><Expiration><Days>1</Days></Expiration>', `<ID>${'x'.repeat(255)}</ID>`)).rules[0]!
        .id,
    ).toHaveLength(255);
    const twice = rule('<Filter/><Expiration><Days>1</Days></Expiration>');
    expect(failure(twice + twice)).toEqual({
      code: 'InvalidArgument',
      message: 'Rule ID must be unique. Found same ID for more than one rule',
    });
  });

  it('a Status other than Enabled or Disabled, or none: MalformedXML', () => {
    expect(
      code('<Rule><Status>enabled</Status><Filter/><Expiration><Days>1</Days></Expiration></Rule>'),
    ).toBe('MalformedXML');
    expect(code('<Rule><Filter/><Expiration><Days>1</Days></Expiration></Rule>')).toBe('MalformedXML');
  });

  it('a rule without an action: InvalidRequest', () => {
    expect(failure(rule('<Filter/>'))).toEqual({
      code: 'InvalidRequest',
      message: 'At least one action needs to be specified in a rule',
    });
  });

  it('a Filter with two predicates, an unknown element, a repeated element: MalformedXML', () => {
    expect(
      code(
        rule(
          '<Filter><Prefix>a</Prefix><ObjectSizeLessThan>3</ObjectSizeLessThan></Filter><Expiration><Days>1</Days></Expiration>',
        ),
      ),
    ).toBe('MalformedXML');
    expect(code(rule('<Filter><Suffix>a</Suffix></Filter><Expiration><Days>1</Days></Expiration>'))).toBe(
      'MalformedXML',
    );
    expect(code(rule('<Filter/><Expiration><Days>1</Days><Days>2</Days></Expiration>'))).toBe('MalformedXML');
    expect(code(rule('<Filter/><Colour>red</Colour><Expiration><Days>1</Days></Expiration>'))).toBe(
      'MalformedXML',
    );
    expect(
      code(rule('<Filter><And><Prefix>a</Prefix></And></Filter><Expiration><Days>1</Days></Expiration>')),
    ).toBe('MalformedXML');
  });

  it('neither Filter nor Prefix: MalformedXML; mixing V1 and V2 rules: InvalidRequest', () => {
    expect(code(rule('<Expiration><Days>1</Days></Expiration>'))).toBe('MalformedXML');
    expect(
      failure(
        rule('<Filter/><Expiration><Days>1</Days></Expiration>') +
          rule('<Prefix>a</Prefix><Expiration><Days>1</Days></Expiration>', '<ID>b</ID>'),
      ),
    ).toEqual({
      code: 'InvalidRequest',
      message: 'Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.',
    });
    expect(
      failure(
        rule('<Prefix>a</Prefix><Expiration><Days>1</Days></Expiration>') +
          rule('<Filter/><Expiration><Days>1</Days></Expiration>', '<ID>b</ID>'),
      ),
    ).toEqual({
      code: 'InvalidRequest',
      message: 'Filter element can only be used in Lifecycle V2.',
    });
  });

  it('V1 rules whose prefixes overlap for the same action: InvalidRequest', () => {
    const a = rule('<Prefix>logs/</Prefix><Expiration><Days>1</Days></Expiration>', '<ID>a</ID>');
    const b = rule('<Prefix>logs/old/</Prefix><Expiration><Days>2</Days></Expiration>', '<ID>b</ID>');
    expect(failure(a + b)).toEqual({
      code: 'InvalidRequest',
      message: "Found overlapping prefixes 'logs/' and 'logs/old/' for same action type 'Expiration'",
    });
    const c = rule(
      '<Prefix>logs/old/</Prefix><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>',
      '<ID>c</ID>',
    );
    expect(parse(a + c).rules).toHaveLength(2);
  });

  it('Days that are not positive: InvalidArgument; not a number: MalformedXML', () => {
    for (const d of ['0', '-1'])
      expect(failure(rule(`<Filter/><Expiration><Days>${d}</Days></Expiration>`))).toEqual({
        code: 'InvalidArgument',
        message: "'Days' for Expiration action must be a positive integer",
      });
    expect(code(rule('<Filter/><Expiration><Days>ten</Days></Expiration>'))).toBe('MalformedXML');
    expect(code(rule('<Filter/><Expiration><Days>1.5</Days></Expiration>'))).toBe('MalformedXML');
    expect(
      failure(
        rule(
          '<Filter/><NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>',
        ),
      ),
    ).toEqual({
      code: 'InvalidArgument',
      message: "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
    });
    expect(
      failure(
        rule(
          '<Filter/><AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation></AbortIncompleteMultipartUpload>',
        ),
      ),
    ).toEqual({
      code: 'InvalidArgument',
      message: "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer",
    });
  });

  it('a Date not at midnight UTC, or not a date: InvalidArgument', () => {
    for (const d of [
      '2030-01-01T12:00:00Z',
      '2030-01-01T00:00:00+01:00',
      '20300101',
      'tomorrow',
      '2030-02-30',
    ])
      expect(failure(rule(`<Filter/><Expiration><Date>${d}</Date></Expiration>`)), d).toEqual({
        code: 'InvalidArgument',
        message: "'Date' must be at midnight GMT",
      });
  });

  it('Expiration with two of Days, Date, ExpiredObjectDeleteMarker, or none: MalformedXML', () => {
    expect(
      code(
        rule(
          '<Filter/><Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>',
        ),
      ),
    ).toBe('MalformedXML');
    expect(code(rule('<Filter/><Expiration><Days>1</Days><Date>2030-01-01</Date></Expiration>'))).toBe(
      'MalformedXML',
    );
    expect(code(rule('<Filter/><Expiration></Expiration>'))).toBe('MalformedXML');
    expect(
      code(
        rule('<Filter/><Expiration><ExpiredObjectDeleteMarker>yes</ExpiredObjectDeleteMarker></Expiration>'),
      ),
    ).toBe('MalformedXML');
  });

  it('ExpiredObjectDeleteMarker or AbortIncompleteMultipartUpload with a tag or size filter: InvalidRequest', () => {
    const tag = '<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>';
    const size = '<Filter><ObjectSizeGreaterThan>5</ObjectSizeGreaterThan></Filter>';
    const marker = '<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>';
    const abort =
      '<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>';
    expect(failure(rule(tag + marker))).toEqual({
      code: 'InvalidRequest',
      message: 'ExpiredObjectDeleteMarker cannot be specified with Tags.',
    });
    expect(failure(rule(size + marker))).toEqual({
      code: 'InvalidRequest',
      message: 'ExpiredObjectDeleteMarker cannot be specified with Object Size.',
    });
    expect(failure(rule(tag + abort))).toEqual({
      code: 'InvalidRequest',
      message: 'AbortIncompleteMultipartUpload cannot be specified with Tags.',
    });
    expect(failure(rule(size + abort))).toEqual({
      code: 'InvalidRequest',
      message: 'AbortIncompleteMultipartUpload cannot be specified with Object Size.',
    });
    // With a prefix they are fine.
    expect(parse(rule(`<Filter><Prefix>a</Prefix></Filter>${marker}${abort}`)).rules).toHaveLength(1);
  });

  it('storage classes: AWS transition classes are kept; any other is InvalidStorageClass', () => {
    for (const cls of ['STANDARD', 'REDUCED_REDUNDANCY', 'glacier', 'COLD'])
      expect(
        code(rule(`<Filter/><Transition><Days>40</Days><StorageClass>${cls}</StorageClass></Transition>`)),
        cls,
      ).toBe('InvalidStorageClass');
    expect(code(rule('<Filter/><Transition><Days>40</Days></Transition>'))).toBe('MalformedXML');
    expect(
      failure(
        rule('<Filter/><Transition><Days>10</Days><StorageClass>STANDARD_IA</StorageClass></Transition>'),
      ),
    ).toEqual({
      code: 'InvalidArgument',
      message:
        "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'",
    });
    expect(
      failure(
        rule(
          '<Filter/><Transition><Days>40</Days><StorageClass>GLACIER</StorageClass></Transition><Transition><Days>50</Days><StorageClass>GLACIER</StorageClass></Transition>',
        ),
      ),
    ).toEqual({
      code: 'InvalidRequest',
      message: "'StorageClass' must be different for 'Transition' actions in same 'Rule'",
    });
    expect(
      failure(
        rule(
          '<Filter/><Transition><Date>2030-01-01</Date><StorageClass>GLACIER</StorageClass></Transition><Expiration><Days>50</Days></Expiration>',
        ),
      ),
    ).toEqual({
      code: 'InvalidRequest',
      message: "Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule",
    });
  });

  it('filter values: sizes out of range or out of order, tags', () => {
    expect(
      failure(
        rule(
          '<Filter><ObjectSizeLessThan>0</ObjectSizeLessThan></Filter><Expiration><Days>1</Days></Expiration>',
        ),
      ),
    ).toEqual({
      code: 'InvalidRequest',
      message: "'ObjectSizeLessThan' should be between 1 and 1099511627776000.",
    });
    expect(
      failure(
        rule(
          '<Filter><And><ObjectSizeGreaterThan>9</ObjectSizeGreaterThan><ObjectSizeLessThan>9</ObjectSizeLessThan></And></Filter><Expiration><Days>1</Days></Expiration>',
        ),
      ),
    ).toEqual({
      code: 'InvalidRequest',
      message: "'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.",
    });
    expect(
      failure(
        rule(
          '<Filter><And><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag></And></Filter><Expiration><Days>1</Days></Expiration>',
        ),
      ),
    ).toEqual({
      code: 'InvalidRequest',
      message: 'Duplicate Tag Keys are not allowed.',
    });
    expect(
      code(
        rule(
          `<Filter><Tag><Key>${'k'.repeat(129)}</Key><Value>v</Value></Tag></Filter><Expiration><Days>1</Days></Expiration>`,
        ),
      ),
    ).toBe('InvalidTag');
    expect(
      code(rule('<Filter><Tag><Value>v</Value></Tag></Filter><Expiration><Days>1</Days></Expiration>')),
    ).toBe('MalformedXML');
  });

  it('NewerNoncurrentVersions: positive, and only in Lifecycle V2', () => {
    expect(
      code(
        rule(
          '<Filter/><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>0</NewerNoncurrentVersions></NoncurrentVersionExpiration>',
        ),
      ),
    ).toBe('InvalidArgument');
    expect(
      failure(
        rule(
          '<Prefix/><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration>',
        ),
      ),
    ).toEqual({
      code: 'InvalidRequest',
      message: 'NewerNoncurrentVersions element can only be used in Lifecycle V2.',
    });
    expect(
      code(
        rule(
          '<Filter/><NoncurrentVersionExpiration><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration>',
        ),
      ),
    ).toBe('MalformedXML');
  });

  it('x-amz-transition-default-minimum-object-size: the two AWS values', () => {
    expect(parseTransitionMinimum(undefined)).toBe('all_storage_classes_128K');
    expect(parseTransitionMinimum('varies_by_storage_class')).toBe('varies_by_storage_class');
    expect(() => parseTransitionMinimum('64K')).toThrow(/TransitionDefaultMinimumObjectSize/);
  });
});
