import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TesseraError } from './errors.js';
import { escapeXml, isXmlText, parseXml, renderXml, xmlList, xmlText } from './xml.js';

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof TesseraError ? e.code : `not a TesseraError: ${String(e)}`;
  }
  return undefined;
}

const keyOf = (xml: string) => xmlText(parseXml(xml, 'Delete')['Key']);
const del = (inner: string) => `<Delete><Key>${inner}</Key></Delete>`;

/** XML 1.0 Char code points. */
const xmlChar = fc
  .oneof(
    fc.constantFrom(0x9, 0xa, 0xd, 0x22, 0x26, 0x27, 0x3c, 0x3e, 0x5d),
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.integer({ min: 0x80, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0xfffd }),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
  )
  .map((cp) => String.fromCodePoint(cp));
const xmlString = fc.array(xmlChar, { maxLength: 40 }).map((cs) => cs.join(''));

const NAMED: Record<string, string> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' };
/** A reference encoder: each character literal where XML allows it, or any reference form for it. */
function encode(text: string, choices: number[]): string {
  return [...text]
    .map((c, i) => {
      const cp = c.codePointAt(0)!;
      const pick = choices[i % choices.length]!;
      const mustEscape = c === '&' || c === '<' || c === '>' || c === '\r';
      if (pick === 0 && !mustEscape) return c;
      if (pick === 1 && NAMED[c]) return `&${NAMED[c]};`;
      if (pick === 2) return `&#${cp};`;
      const hex = cp.toString(16);
      return pick === 3 ? `&#x${hex};` : `&#x${hex.toUpperCase().padStart(6, '0')};`;
    })
    .join('');
}

describe('parseXml', () => {
  it('decodes the five entities and decimal and hex character references, once', () => {
    expect(keyOf(del('a&#x0A;b&#xA;c&#10;d&#x0D;e'))).toBe('a\nb\nc\nd\re');
    expect(keyOf(del('&#34;05beeeb8&#34;'))).toBe('"05beeeb8"');
    expect(keyOf(del('&amp;&lt;&gt;&quot;&apos;'))).toBe('&<>"\'');
    expect(keyOf(del('&amp;#34;'))).toBe('&#34;');
    expect(keyOf(del('&amp;amp;'))).toBe('&amp;');
    expect(keyOf(del('&#x1F600;&#128512;'))).toBe('😀😀');
    expect(keyOf(del('<![CDATA[&#34; &amp; <x>]]>&#34;'))).toBe('&#34; &amp; <x>"');
  });

  it('normalizes literal line ends as XML does; a referenced CR stays', () => {
    expect(keyOf(del('a\r\nb\rc\nd&#13;'))).toBe('a\nb\nc\nd\r');
  });

  it('keeps repeated elements as arrays and whitespace inside text', () => {
    const doc = parseXml(
      '<Delete>\n <Object><Key> a </Key></Object>\n <Object><Key>b</Key></Object>\n</Delete>',
      'Delete',
    );
    expect(xmlList(doc['Object']).map((o) => xmlText((o as Record<string, unknown>)['Key']))).toEqual([
      ' a ',
      'b',
    ]);
    expect(parseXml('<Delete/>', 'Delete')).toEqual({});
  });

  it.each([
    ['unknown entity', del('&nbsp;')],
    ['entity without semicolon', del('&amp')],
    ['bare ampersand', del('a & b')],
    ['reference to NUL', del('&#0;')],
    ['reference to a control character', del('&#x1;')],
    ['reference to a surrogate', del('&#xD800;')],
    ['reference beyond Unicode', del('&#x110000;')],
    ['reference to U+FFFE', del('&#xFFFE;')],
    ['upper-case X', del('&#X41;')],
    ['raw control character', del('a\u0001b')],
    ['lone surrogate', del('a\uD800b')],
    ['DOCTYPE', '<!DOCTYPE Delete><Delete><Key>a</Key></Delete>'],
    ['internal entity', '<!DOCTYPE d [<!ENTITY x "y">]><Delete><Key>&x;</Key></Delete>'],
    [
      'external entity',
      '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Delete><Key>&x;</Key></Delete>',
    ],
    ['two roots', '<Delete><Key>a</Key></Delete><Delete/>'],
    ['wrong root', '<Tagging/>'],
    ['mixed content', '<Delete>x<Key>a</Key></Delete>'],
    [']]> in text', del('a]]>b')],
    ['unclosed', '<Delete><Key>a</Key>'],
    ['too deep', `<Delete>${'<a>'.repeat(40)}${'</a>'.repeat(40)}</Delete>`],
    ['empty', ''],
  ])('MalformedXML: %s', (_name, xml) => {
    expect(code(() => parseXml(xml, 'Delete'))).toBe('MalformedXML');
  });

  it('round-trips any text escaped by a reference encoder (property)', () => {
    fc.assert(
      fc.property(
        xmlString,
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 8 }),
        (text, choices) => {
          expect(keyOf(del(encode(text, choices)))).toBe(text);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('round-trips what escapeXml writes (property)', () => {
    fc.assert(
      fc.property(xmlString, (text) => {
        expect(keyOf(del(escapeXml(text)))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but MalformedXML, whatever the input (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '<',
        '>',
        '&',
        ';',
        '#',
        'x',
        '/',
        '<Delete>',
        '</Delete>',
        '<Key>',
        '</Key>',
        '<![CDATA[',
        ']]>',
        '<!--',
        '-->',
        '<?xml version="1.0"?>',
        '<!DOCTYPE',
        '&#',
        '&#x',
        '&amp;',
        '"',
        "'",
        '=',
        ' ',
        '\r',
        '\n',
        '\u0000',
        '\uD800',
        '__proto__',
        'constructor',
      ),
      fc.string({ maxLength: 5 }),
      fc.integer({ min: 0, max: 0x10ffff }).map((n) => `&#${n};`),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
        const xml = parts.join('');
        const result = code(() => parseXml(xml, 'Delete'));
        expect(result === undefined || result === 'MalformedXML').toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('is bounded: deep nesting, many references and a 2 MiB document answer without blowing up', () => {
    expect(code(() => parseXml(`<Delete>${'<a>'.repeat(200_000)}</Delete>`, 'Delete'))).toBe('MalformedXML');
    const many = del('&#34;'.repeat(300_000));
    expect(keyOf(many)).toHaveLength(300_000);
    const wide = `<Delete>${'<Object><Key>k</Key></Object>'.repeat(60_000)}</Delete>`;
    expect(xmlList(parseXml(wide, 'Delete')['Object'])).toHaveLength(60_000);
  });
});

describe('escapeXml / isXmlText', () => {
  it('writes a carriage return as a reference so that it survives a parser', () => {
    expect(escapeXml('a\rb&<>"\'')).toBe('a&#13;b&amp;&lt;&gt;&quot;&apos;');
  });
  it('tells XML-legal text from text no XML document may hold', () => {
    expect(isXmlText('tab\tnl\ncr\r ü 😀')).toBe(true);
    expect(isXmlText('\u0000')).toBe(false);
    expect(isXmlText('\uFFFE')).toBe(false);
    expect(isXmlText('\uDC00')).toBe(false);
  });
});

describe('renderXml sequences', () => {
  it("renders the children of '' nodes in order, without an element of their own", () => {
    const xml = renderXml(
      'R',
      { A: 1, '': [{ V: { K: 'a' } }, { D: { K: 'b' } }, { V: { K: 'c' } }], C: 2 },
      '',
    );
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<R><A>1</A><V><K>a</K></V><D><K>b</K></D><V><K>c</K></V><C>2</C></R>',
    );
  });
});
