import { describe, expect, it } from 'vitest';
import { maskTokens } from './log.js';

describe('maskTokens', () => {
  it('masks token-shaped strings and credentials in URLs', () => {
    const ghp = `ghp_${'a1B2'.repeat(9)}`;
    expect(maskTokens(`token ${ghp} used`)).toBe('token [redacted] used');
    expect(maskTokens('https://user:s3cret@github.com/acme/x.git')).toBe(
      'https://[redacted]@github.com/acme/x.git',
    );
    expect(maskTokens(`key AKIA${'ABCDEFGHIJKLMNOP'}`)).toBe('key [redacted]');
    expect(maskTokens('nothing to hide here')).toBe('nothing to hide here');
  });
});
