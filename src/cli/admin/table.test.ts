import { describe, expect, it } from 'vitest';
import { cell, fields, table } from './table.js';

describe('table rendering', () => {
  it('aligns columns two spaces apart, without trailing blanks', () => {
    const out = table(
      ['NAME', 'STATUS', 'CREATED'],
      [
        ['alice', 'enabled', '2024-05-01 12:00:00'],
        ['bo', 'disabled', undefined],
      ],
    );
    expect(out).toBe(
      'NAME   STATUS    CREATED\n' + 'alice  enabled   2024-05-01 12:00:00\n' + 'bo     disabled  -\n',
    );
    expect(table(['A', 'B'], [])).toBe('A  B\n');
  });

  it('shows nothing as -, lists joined, control characters escaped', () => {
    expect(cell(undefined)).toBe('-');
    expect(cell('')).toBe('-');
    expect(cell([])).toBe('-');
    expect(cell(['a', 'b'])).toBe('a, b');
    expect(cell(0)).toBe('0');
    expect(cell('evil\nNAME  root\x1b[2J')).toBe('evil\\x0aNAME  root\\x1b[2J');
  });

  it('renders label: value fields aligned', () => {
    expect(
      fields([
        ['Name', 'alice'],
        ['Inline policies', []],
        ['Groups', ['devs', 'ops']],
      ]),
    ).toBe('Name:            alice\nInline policies: -\nGroups:          devs, ops\n');
  });
});
