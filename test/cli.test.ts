import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'gl-cli-'));

describe('cli', () => {
  it('prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli(['assess', '--bogus'])).code).toBe(2);
  });

  it('exits 2 naming the file and line for a bad config, and writes no report', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'greenlight.yml'), 'thresholds:\n  approvals: many\n');
    const out = path.join(dir, 'report.json');
    const r = await runCli(['assess', dir, '--format', 'json', '--out', out, '--no-record', '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, 'greenlight.yml')}:2: thresholds.approvals:`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 for a folder that does not exist', async () => {
    const r = await runCli(['assess', '/no/such/folder', '--no-record']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/no/such/folder: no such folder');
  });

  it('writes a JSON report to --out with the documented fields', async () => {
    const dir = tmp();
    const out = path.join(dir, 'report.json');
    const r = await runCli([
      'assess',
      dir,
      '--no-git',
      '--format',
      'json',
      '--out',
      out,
      '--no-record',
      '-q',
    ]);
    expect([0, 1]).toContain(r.code);
    expect(r.stdout).toBe('');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.schemaVersion).toBe('1.0');
    expect(report.maturity.level).toBeGreaterThanOrEqual(1);
    expect(report.criteria.map((c: { id: string }) => c.id)).toContain('CC8.1');
    expect(report.results.find((x: { checkId: string }) => x.checkId === 'org.mfa-required').outcome).toBe(
      'not_available',
    );
  });

  it('init writes a starter config and keeps an existing one', async () => {
    const dir = tmp();
    const first = await runCli(['init', dir]);
    expect(first.code).toBe(0);
    const text = readFileSync(path.join(dir, 'greenlight.yml'), 'utf8');
    expect(text).toContain('thresholds:');
    writeFileSync(path.join(dir, 'greenlight.yml'), 'disabled: []\n');
    const second = await runCli(['init', dir]);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/exists; keeping it/);
    expect(readFileSync(path.join(dir, 'greenlight.yml'), 'utf8')).toBe('disabled: []\n');
  });

  it('lists the control catalog as JSON', async () => {
    const r = await runCli(['controls', '--format', 'json']);
    expect(r.code).toBe(0);
    const catalog = JSON.parse(r.stdout);
    expect(catalog.checks.length).toBeGreaterThanOrEqual(59);
    expect(catalog.controls.find((c: { id: string }) => c.id === 'CM-2').criteria).toEqual(['CC8.1']);
  });
});
