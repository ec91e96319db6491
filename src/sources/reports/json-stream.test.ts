import { describe, expect, it } from 'vitest';
import { JsonSplitter, JsonStreamError, pointerOf, type Pattern } from './json-stream.js';

/** Feeds `text` in chunks of `size` bytes; returns the skeleton and the items (path, value). */
function split(text: string, patterns: Pattern[], size: number) {
  const items: [string, unknown][] = [];
  const splitter = new JsonSplitter(patterns, (path, value) => items.push([pointerOf(path), value]));
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) splitter.write(bytes.subarray(at, at + size));
  return { doc: splitter.end(), items };
}

function errorOf(text: string, patterns: Pattern[] = [['runs', '#', 'results', '#']]): JsonStreamError {
  try {
    split(text, patterns, 3);
  } catch (err) {
    expect(err).toBeInstanceOf(JsonStreamError);
    return err as JsonStreamError;
  }
  throw new Error('accepted');
}

const tricky = {
  version: '2.1.0',
  runs: [
    {
      tool: { driver: { name: 'x', rules: [{ id: 'r]}' }] } },
      results: [
        { a: 1, m: 'quotes \\" and \\\\ backslashes, [brackets] {braces}', u: 'é 日本 🙂' },
        { nested: [1, [2, [3, { deep: '}' }]]] },
        42,
        'text',
        true,
        null,
        -1.5e-3,
        [],
        {},
      ],
    },
    { results: [] },
    { tool: { driver: { name: 'y' } } },
  ],
  trailing: { n: 0, list: [1, 2, 3] },
};

describe('JsonSplitter', () => {
  it('splits items and rebuilds the rest, whatever the chunk boundaries', () => {
    const text = JSON.stringify(tricky, null, 2);
    const expectedItems = tricky.runs[0]!.results!.map((v, i) => [`/runs/0/results/${i}`, v]);
    const skeleton = structuredClone(tricky) as { runs: { results?: unknown[] }[] };
    skeleton.runs[0]!.results = [];
    for (const size of [1, 2, 3, 5, 7, 64, 1 << 20]) {
      const { doc, items } = split(text, [['runs', '#', 'results', '#']], size);
      expect(items).toEqual(expectedItems);
      expect(doc).toEqual(skeleton);
    }
  });

  it('agrees with JSON.parse when nothing is split, byte by byte', () => {
    const text = JSON.stringify(tricky);
    expect(split(text, [], 1).doc).toEqual(JSON.parse(text));
    expect(split(' 12 ', [], 1).doc).toBe(12);
    expect(split('"a\\"b"', [], 1).doc).toBe('a"b');
  });

  it('matches object keys with * and exact keys or indexes literally', () => {
    const text = JSON.stringify({ vulnerabilities: { a: { n: 1 }, 'b/c': { n: 2 } }, meta: { k: 1 } });
    expect(split(text, [['vulnerabilities', '*']], 4).items).toEqual([
      ['/vulnerabilities/a', { n: 1 }],
      ['/vulnerabilities/b~1c', { n: 2 }],
    ]);
    const arr = JSON.stringify([{ x: 1 }, { x: 2 }, { x: 3 }]);
    expect(split(arr, [['1', 'x']], 2).items).toEqual([['/1/x', 2]]);
    expect(split(arr, [['#']], 2).items.map(([p]) => p)).toEqual(['/0', '/1', '/2']);
  });

  it('skips a UTF-8 byte order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":[1,2]}')]);
    const items: unknown[] = [];
    const splitter = new JsonSplitter([['a', '#']], (_p, v) => items.push(v));
    splitter.write(bytes);
    expect(splitter.end()).toEqual({ a: [] });
    expect(items).toEqual([1, 2]);
  });

  it('locates syntax errors by pointer and byte offset', () => {
    expect(errorOf('{"runs": [{"results": [{"a": 1}, {"b": }]}]}')).toMatchObject({
      pointer: '/runs/0/results/1',
      message: expect.stringContaining('invalid JSON'),
    });
    const colon = errorOf('{"runs" [1]}');
    expect(colon).toMatchObject({ pointer: '/runs', offset: 8 });
    expect(colon.message).toContain("expected ':'");
    expect(errorOf('{"runs": [1 2]}').message).toContain("expected ',' or ']'");
    expect(errorOf('{"runs": [1]}  {').message).toContain('after the end of the document');
    expect(errorOf('{"runs": [{"results": [1, 2').message).toContain('truncated');
    expect(errorOf('   ').message).toBe('the file is empty');
    expect(errorOf('{"runs": [ @ ]}').message).toContain("expected a value, found '@'");
    expect(errorOf('{ 12: 1 }').message).toContain('expected a property name');
  });
});
