import { describe, expect, it } from 'vitest';
import {
  UnsupportedGjsonPathError,
  gjsonBool,
  gjsonFloat,
  gjsonGet,
  gjsonString,
  sjsonSet,
} from '../../src/tools/gjson.js';

const doc = {
  owner: { given: 'Ada', family: 'Lovelace' },
  years: 36,
  tags: ['math', 'engines', 'poetry'],
  'file.name': 'notes.txt',
  machines: [
    { name: 'difference', parts: ['wheel', 'gear'] },
    { name: 'analytical', parts: ['mill'] },
    { label: 'no name' },
  ],
};

describe('gjsonGet (gjson README path syntax)', () => {
  it('follows dotted keys', () => {
    expect(gjsonGet(doc, 'owner.family')).toEqual({
      exists: true,
      value: 'Lovelace',
      raw: '"Lovelace"',
      type: 'String',
    });
  });

  it('reads an array element by index', () => {
    expect(gjsonGet(doc, 'tags.1').value).toBe('engines');
    expect(gjsonGet(doc, 'tags.3').exists).toBe(false);
  });

  it('answers # with the length of an array', () => {
    expect(gjsonGet(doc, 'tags.#')).toMatchObject({ exists: true, value: 3, type: 'Number' });
  });

  it('maps the rest of the path over an array with #.key, skipping elements without it', () => {
    expect(gjsonGet(doc, 'machines.#.name')).toMatchObject({
      value: ['difference', 'analytical'],
      raw: '["difference","analytical"]',
    });
    expect(gjsonGet(doc, 'machines.#.parts.#').value).toEqual([2, 1]);
  });

  it('reads an escaped # as a key, not the array length', () => {
    expect(gjsonGet({ tally: { '#': 'hash key' } }, 'tally.\\#').value).toBe('hash key');
    expect(gjsonGet({ tally: ['a'] }, 'tally.\\#').exists).toBe(false);
  });

  it('treats an escaped dot as part of the key', () => {
    expect(gjsonGet(doc, 'file\\.name').value).toBe('notes.txt');
    expect(gjsonGet(doc, 'file.name').exists).toBe(false);
  });

  it('matches * and ? wildcards against keys, taking the first match', () => {
    expect(gjsonGet(doc, 'own*.given').value).toBe('Ada');
    expect(gjsonGet(doc, 't?gs.0').value).toBe('math');
  });

  it('reports a missing path as not existing', () => {
    expect(gjsonGet(doc, 'owner.middle')).toEqual({ exists: false, value: undefined, raw: '', type: 'Null' });
    expect(gjsonGet(doc, 'years.value').exists).toBe(false);
  });

  it('refuses queries, pipes and modifiers by name', () => {
    expect(() => gjsonGet(doc, 'machines.#(name=="analytical").parts')).toThrow(UnsupportedGjsonPathError);
    expect(() => gjsonGet(doc, 'machines|@reverse')).toThrow(
      /"\|" at offset 8 \(queries, pipes and modifiers\) is not supported/,
    );
  });
});

describe('gjson result conversions', () => {
  it('String() prints numbers as written, booleans as words, null as empty and objects as JSON', () => {
    expect(gjsonString(gjsonGet({ n: 1.5 }, 'n'))).toBe('1.5');
    expect(gjsonString(gjsonGet({ n: 1e21 }, 'n'))).toBe('1000000000000000000000');
    expect(gjsonString(gjsonGet({ n: -1.25e-7 }, 'n'))).toBe('-0.000000125');
    expect(gjsonString(gjsonGet({ b: true }, 'b'))).toBe('true');
    expect(gjsonString(gjsonGet({ z: null }, 'z'))).toBe('');
    expect(gjsonString(gjsonGet({ o: { a: 1 } }, 'o'))).toBe('{"a":1}');
  });

  it('Float() parses numeric strings and turns anything else into 0', () => {
    expect(gjsonFloat(gjsonGet({ s: '42.5' }, 's'))).toBe(42.5);
    expect(gjsonFloat(gjsonGet({ s: 'penguin' }, 's'))).toBe(0);
    expect(gjsonFloat(gjsonGet({ b: true }, 'b'))).toBe(1);
  });

  it('Bool() reads Go ParseBool spellings case-insensitively and non-zero numbers as true', () => {
    expect(gjsonBool(gjsonGet({ s: 'TRUE' }, 's'))).toBe(true);
    expect(gjsonBool(gjsonGet({ s: 't' }, 's'))).toBe(true);
    expect(gjsonBool(gjsonGet({ s: 'yes' }, 's'))).toBe(false);
    expect(gjsonBool(gjsonGet({ n: 2 }, 'n'))).toBe(true);
  });
});

describe('sjsonSet', () => {
  it('creates objects along a dotted path without changing the input', () => {
    const input = { data: { keep: 'x' } };
    expect(sjsonSet(input, 'data.modelLocation', 'gs://b/m')).toEqual({
      data: { keep: 'x', modelLocation: 'gs://b/m' },
    });
    expect(input).toEqual({ data: { keep: 'x' } });
  });

  it('sets escaped keys and array indexes, padding with null and appending at -1', () => {
    expect(sjsonSet({}, 'metadata.annotations.example\\.com/model', 'm')).toEqual({
      metadata: { annotations: { 'example.com/model': 'm' } },
    });
    expect(sjsonSet({ args: ['a'] }, 'args.2', 'c')).toEqual({ args: ['a', null, 'c'] });
    expect(sjsonSet({ args: ['a'] }, 'args.-1', 'b')).toEqual({ args: ['a', 'b'] });
    expect(sjsonSet(undefined, 'list.1', 'x')).toEqual({ list: [null, 'x'] });
  });

  it('refuses wildcards in a dest path', () => {
    expect(() => sjsonSet({}, 'data.*', 'x')).toThrow(
      new UnsupportedGjsonPathError('sjson path "data.*" has a wildcard; a dest path cannot'),
    );
  });
});
