import { spawn } from 'node:child_process';
import type { AnomalyDelivery } from '../facts/index.js';
import type { Anomaly, AnomalySettings } from './types.js';

/**
 * Alert delivery: the report as JSON to a webhook, a summary to a Slack incoming webhook, and the
 * JSON on the stdin of a command. Destinations may name an environment variable (`$NAME`) so
 * secret URLs stay out of git; a delivery names only its host, never the URL (it may hold a token).
 */

export interface AlertPayload {
  tool: { name: 'greenlight'; version: string };
  kind: 'anomalies';
  repository: string;
  branch: string;
  window: { since: string | null; until: string };
  ranAt: string;
  anomalies: Anomaly[];
}

export interface DeliverOptions {
  env?: Record<string, string | undefined>;
  /** Per destination; default 10 s for HTTP, 60 s for a command. */
  timeoutMs?: number;
  /** Where a command's own output goes (default: stderr, so stdout stays the report). */
  output?: (chunk: Buffer) => void;
}

const HTTP_TIMEOUT_MS = 10_000;
const COMMAND_TIMEOUT_MS = 60_000;

/** The value of a destination: the URL itself, or the environment variable it names. */
function resolve(value: string, env: Record<string, string | undefined>): string | { error: string } {
  const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(value);
  if (!m) return value;
  const v = env[m[1]!]?.trim();
  return v ? v : { error: `environment variable ${m[1]} is not set` };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}

async function post(
  kind: 'webhook' | 'slack',
  destination: string,
  body: unknown,
  opts: DeliverOptions,
): Promise<AnomalyDelivery> {
  const url = resolve(destination, opts.env ?? process.env);
  if (typeof url !== 'string') return { kind, target: destination, ok: false, error: url.error };
  const target = hostOf(url);
  if (!/^https?:\/\//.test(url)) return { kind, target, ok: false, error: 'not an http(s) URL' };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'greenlight' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? HTTP_TIMEOUT_MS),
      redirect: 'error',
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok
      ? { kind, target, ok: true, status: res.status }
      : { kind, target, ok: false, status: res.status, error: `answered ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.message);
    return { kind, target, ok: false, error: `could not be reached: ${why}` };
  }
}

function runCommand(command: string, payload: string, opts: DeliverOptions): Promise<AnomalyDelivery> {
  // Name the program only: the rest of the command line may carry a token.
  const target = command.trim().split(/\s+/)[0] ?? 'command';
  const output = opts.output ?? ((c: Buffer) => process.stderr.write(c));
  return new Promise((done) => {
    const child = spawn(command, {
      shell: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
      timeout: opts.timeoutMs ?? COMMAND_TIMEOUT_MS,
    });
    child.stdout.on('data', output);
    child.stderr.on('data', output);
    child.on('error', (err) =>
      done({ kind: 'command', target, ok: false, error: `could not start: ${err.message}` }),
    );
    child.on('close', (code, signal) =>
      done(
        code === 0
          ? { kind: 'command', target, ok: true, status: 0 }
          : {
              kind: 'command',
              target,
              ok: false,
              ...(code !== null ? { status: code } : {}),
              error: signal ? `stopped by ${signal}` : `exited with ${code}`,
            },
      ),
    );
    // A command that does not read stdin closes it early: that is not a failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(payload);
  });
}

/** One line per anomaly, for Slack. */
export function summaryText(p: AlertPayload): string {
  const head = `greenlight: ${p.anomalies.length} anomal${p.anomalies.length === 1 ? 'y' : 'ies'} on ${p.repository}@${p.branch}`;
  const lines = p.anomalies.slice(0, 20).map((a) => `• [${a.severity}] ${a.rule}: ${a.message}`);
  if (p.anomalies.length > 20) lines.push(`… and ${p.anomalies.length - 20} more`);
  return [head, ...lines].join('\n');
}

/** Sends the payload to every configured destination, in parallel; never throws. */
export async function deliver(
  alerts: AnomalySettings['alerts'],
  payload: AlertPayload,
  opts: DeliverOptions = {},
): Promise<AnomalyDelivery[]> {
  const jobs: Promise<AnomalyDelivery>[] = [];
  if (alerts.webhook) jobs.push(post('webhook', alerts.webhook, payload, opts));
  if (alerts.slack) jobs.push(post('slack', alerts.slack, { text: summaryText(payload) }, opts));
  if (alerts.command) jobs.push(runCommand(alerts.command, `${JSON.stringify(payload)}\n`, opts));
  return Promise.all(jobs);
}

/** Whether any destination is configured. */
export function hasDestination(alerts: AnomalySettings['alerts']): boolean {
  return Boolean(alerts.webhook || alerts.slack || alerts.command);
}
