import { describe, expect, it } from 'vitest';
import { parseRemotes, stripCredentials, webBase } from './remotes.js';

describe('stripCredentials', () => {
  it.each([
    ['https://user:token@github.com/o/r.git', 'https://github.com/o/r.git'],
    ['https://ghp_abc123@github.com/o/r.git', 'https://github.com/o/r.git'],
    ['https://x-access-token:p%40ss@gitlab.example.com/g/p.git', 'https://gitlab.example.com/g/p.git'],
    ['ssh://git:secret@host.example/o/r.git', 'ssh://host.example/o/r.git'],
  ])('removes the user part of %s', (input, expected) => {
    expect(stripCredentials(input)).toBe(expected);
  });

  it.each([
    'ssh://git@github.com/o/r.git',
    'git@github.com:o/r.git',
    'https://github.com/o/r.git',
    '/srv/git/r.git',
    'file:///srv/git/r.git',
  ])('leaves %s as it is', (url) => {
    expect(stripCredentials(url)).toBe(url);
  });
});

describe('parseRemotes', () => {
  it('keeps one fetch URL per remote, stripped', () => {
    const out = [
      'origin\thttps://u:t@github.com/o/r.git (fetch)',
      'origin\thttps://u:t@github.com/o/r.git (push)',
      'upstream\tgit@github.com:up/r.git (fetch)',
      'upstream\tgit@github.com:up/r.git (push)',
    ].join('\n');
    expect(parseRemotes(out)).toEqual([
      { name: 'origin', url: 'https://github.com/o/r.git' },
      { name: 'upstream', url: 'git@github.com:up/r.git' },
    ]);
  });
});

describe('webBase', () => {
  it.each([
    ['git@github.com:o/r.git', 'https://github.com/o/r'],
    ['https://github.com/o/r.git', 'https://github.com/o/r'],
    ['ssh://git@gitlab.example.com:2222/g/sub/p.git', 'https://gitlab.example.com/g/sub/p'],
  ])('maps %s to %s', (url, expected) => {
    expect(webBase(url)).toBe(expected);
  });

  it('has none for local paths', () => {
    expect(webBase('/srv/git/r.git')).toBeUndefined();
    expect(webBase('file:///srv/git/r.git')).toBeUndefined();
  });
});
