import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

/** A server process of a test: what it printed so far, and its exit code once it exits. */
export type MainProcess = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

const started = new Set<ChildProcess>();
/** The DATA_DIRs of servers that ran an embedded PostgreSQL (in a process group of its own). */
const dataDirs = new Set<string>();

/**
 * The real entry point in one Node process, with tsx as its loader (as `pnpm start` runs the
 * built file: no parent process between the signal and the server), with only the given
 * environment. Its own process group, so a test that fails half-way can still stop it and the
 * embedded PostgreSQL it may have spawned. (Not the tsx CLI: it relays a signal to its child and
 * SIGKILLs it when the child does not confirm within 30 ms, which a loaded machine misses.)
 */
export function spawnMain(env: Record<string, string>): MainProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    detached: true,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CLIENT_DIST: '/nonexistent',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  if (env.DATA_DIR && !env.DATABASE_URL) dataDirs.add(env.DATA_DIR);
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      started.delete(child);
      resolve(code);
    });
  });
  return { child, output: () => out, exited };
}

/**
 * Kills (SIGKILL, whole group) whatever a failed test left running, and the embedded PostgreSQL of
 * any server it started without DATABASE_URL: the server runs that in a process group of its own,
 * and one killed outright leaves it running.
 */
export function killLeftovers(): void {
  for (const child of started) {
    if (child.pid && child.exitCode === null && child.signalCode === null) kill(-child.pid);
  }
  for (const dir of dataDirs) {
    const lock = readOr(path.join(dir, 'pg', 'postmaster.pid')); // none: stopped cleanly, or never started
    const pid = Number.parseInt(lock, 10);
    // A stale lock file's number may be another process's by now.
    if (pid > 0 && readOr(`/proc/${pid}/cmdline`).includes('postgres')) kill(pid);
  }
  dataDirs.clear();
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * A free port below the kernel's ephemeral range. The server takes seconds to load before it
 * listens; a port from the ephemeral range could meanwhile become the source port of some
 * outgoing connection on this busy machine (EADDRINUSE).
 */
export async function freeListenPort(): Promise<number> {
  const range = await fs.readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768 60999');
  const low = Math.min(Number(range.trim().split(/\s+/)[0]) || 32768, 32768);
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * (low - 10_000));
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
