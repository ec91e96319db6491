/**
 * Helpers for the gate and `--fail-open` tests: an environment with no CI, a fresh Ed25519 ledger
 * key, and a ledger that can be taken out of reach and brought back under the same URL (a SQLite
 * folder replaced by a file; a real TCP proxy in front of PostgreSQL that stops listening).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { DialectCase } from './ledger/dialects.js';

/** Variables that would make the CLI think it runs in CI, all cleared. */
export const NO_CI: Record<string, string> = {
  GITHUB_ACTIONS: '',
  GITHUB_SHA: '',
  GITHUB_EVENT_NAME: '',
  GITHUB_EVENT_PATH: '',
  GITHUB_BASE_REF: '',
  GITHUB_STEP_SUMMARY: '',
  RUNNER_TEMP: '',
  GITLAB_CI: '',
  CI_PIPELINE_URL: '',
};

/** A new Ed25519 private key as PKCS#8 PEM (what GREENLIGHT_LEDGER_KEY holds). */
export function newLedgerKey(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A ledger URL whose store can be made unreachable and reachable again, the URL unchanged. */
export interface SwitchableLedger {
  url: string;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

const listen = (server: net.Server, port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
const closeServer = (server: net.Server): Promise<void> =>
  new Promise((resolve) => server.close(() => resolve()));

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await listen(probe, 0);
  const port = (probe.address() as net.AddressInfo).port;
  await closeServer(probe);
  return port;
}

/** Starts reachable. SQLite: `dir/ledger/…` (down: the folder moved aside, a file in its place). */
export async function switchableLedger(dialect: DialectCase, dir: string): Promise<SwitchableLedger> {
  if (dialect.name === 'sqlite') {
    const folder = path.join(dir, 'ledger');
    mkdirSync(folder, { recursive: true });
    return {
      url: `sqlite:${path.join(folder, 'greenlight.db')}`,
      async down() {
        renameSync(folder, `${folder}.away`);
        writeFileSync(folder, 'not a folder: the ledger volume is not mounted\n');
      },
      async up() {
        rmSync(folder, { force: true });
        renameSync(`${folder}.away`, folder);
      },
      close: async () => {},
    };
  }
  const target = new URL(dialect.fresh(dir));
  const port = await freePort();
  const front = new URL(target.toString());
  front.hostname = '127.0.0.1';
  front.port = String(port);
  let server: net.Server | null = null;
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const proxy = {
    url: front.toString(),
    async up() {
      if (server) return;
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        track(client);
        track(upstream);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        client.pipe(upstream).pipe(client);
      });
      await listen(server, port);
    },
    async down() {
      if (!server) return;
      const s = server;
      server = null;
      for (const sock of sockets) sock.destroy();
      await closeServer(s);
    },
    close: async () => proxy.down(),
  };
  await proxy.up();
  return proxy;
}
