/** A report much larger than one read chunk, read from disk as a stream. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CHUNK_SIZE } from './input.js';
import { parseReport } from './index.js';

const RESULTS = 20_000;

function bigSarif(): string {
  const results = Array.from({ length: RESULTS }, (_, k) => ({
    ruleId: `rule-${k % 7}`,
    message: { text: `Problem ${k} — naïve “quoted” text 日本語 ${'\\'.repeat(k % 3)}` },
    locations: [
      { physicalLocation: { artifactLocation: { uri: `src/f${k % 300}.js` }, region: { startLine: k + 1 } } },
    ],
  }));
  const rules = Array.from({ length: 7 }, (_, i) => ({
    id: `rule-${i}`,
    defaultConfiguration: { level: i === 0 ? 'error' : 'warning' },
  }));
  // Results before the tool: readers must wait for the tool before normalizing.
  return JSON.stringify(
    { version: '2.1.0', runs: [{ results, tool: { driver: { name: 'Lint', rules } } }] },
    null,
    1,
  );
}

describe('streaming', () => {
  it('reads a multi-chunk report from disk the same as from memory, result by result', async () => {
    const text = bigSarif();
    const dir = mkdtempSync(join(tmpdir(), 'greenlight-reports-stream-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'big.sarif');
    writeFileSync(path, text);
    expect(statSync(path).size).toBeGreaterThan(3 * CHUNK_SIZE);

    const fromDisk = await parseReport({ path });
    const fromMemory = await parseReport({ bytes: readFileSync(path), name: 'big.sarif' });
    expect(fromDisk).toEqual(fromMemory);

    expect(fromDisk.findings).toHaveLength(RESULTS);
    expect(fromDisk.stats.bySeverity).toMatchObject({
      high: Math.ceil(RESULTS / 7),
      medium: RESULTS - Math.ceil(RESULTS / 7),
    });
    expect(fromDisk.findings[12_346]).toMatchObject({
      tool: 'Lint',
      ruleId: 'rule-5',
      title: 'Problem 12346 — naïve “quoted” text 日本語 \\',
      location: { path: 'src/f46.js', line: 12_347 },
    });
    expect(new Set(fromDisk.findings.map((f) => f.fingerprint)).size).toBe(RESULTS);
    expect(fromDisk.stats.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(fromDisk.stats.bytes).toBe(Buffer.byteLength(text));
  });
});
