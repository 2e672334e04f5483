import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from './harness.js';

// scripts/supervise.mjs is what `pnpm start` leaves running between pnpm and the server.
const supervise = fileURLToPath(new URL('../../scripts/supervise.mjs', import.meta.url));

/** Polls until `check` holds (harness's waitFor takes a value; this is a yes or no). */
const until = (what: string, check: () => boolean) => waitFor(() => check() || undefined, 5000, what);

/** Running: a process that exited but whose new parent has not reaped it yet (a zombie) counts as gone. */
const alive = (pid: number) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

let dir: string;
let pids: number[] = [];
afterEach(() => {
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  pids = [];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A shell (as pnpm runs a script) running a supervisor of a stand-in server, which records each
 * signal it hears in a file and stops on SIGTERM or SIGINT.
 */
async function start() {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyring-supervise-'));
  const events = path.join(dir, 'events');
  const server = path.join(dir, 'server.mjs');
  fs.writeFileSync(
    server,
    `import fs from 'node:fs';
     const note = (s) => fs.appendFileSync(${JSON.stringify(events)}, s + '\\n');
     for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => { note(signal); setTimeout(() => process.exit(0), 100); });
     // Started once it hears signals: a signal sent before would end it unheard.
     note('server ' + process.pid);
     setInterval(() => {}, 1000);`,
  );
  const supervisor = path.join(dir, 'supervisor.mjs');
  fs.writeFileSync(
    supervisor,
    `import fs from 'node:fs';
     import { supervise } from ${JSON.stringify(supervise)};
     fs.appendFileSync(${JSON.stringify(events)}, 'supervisor ' + process.pid + '\\n');
     supervise(process.execPath, [${JSON.stringify(server)}]);`,
  );
  // `; true` keeps the shell as the supervisor's parent rather than replaced by it.
  const shell = spawn('sh', ['-c', `"${process.execPath}" "${supervisor}"; true`], { stdio: 'ignore' });
  pids.push(shell.pid!);
  const lines = () => (fs.existsSync(events) ? fs.readFileSync(events, 'utf8').trim().split('\n') : []);
  await until('the stand-in server to start', () => lines().some((l) => l.startsWith('server ')));
  const pidOf = (who: string) =>
    Number(
      lines()
        .find((l) => l.startsWith(`${who} `))!
        .split(' ')[1],
    );
  const ids = { shell: shell.pid!, supervisor: pidOf('supervisor'), server: pidOf('server') };
  pids.push(ids.supervisor, ids.server);
  return { ids, signals: () => lines().filter((l) => /^SIG/.test(l)) };
}

describe('pnpm start supervisor (scripts/supervise.mjs)', () => {
  it('stops the server gracefully when its parent is killed without passing the signal on, and not before', async () => {
    const { ids, signals } = await start();
    // While the parent lives, the server is left alone.
    await new Promise((r) => setTimeout(r, 1000));
    expect(signals()).toEqual([]);
    expect(alive(ids.server)).toBe(true);

    // What a SIGTERM to pnpm amounts to for the supervisor: its parent gone, no signal for it.
    process.kill(ids.shell, 'SIGKILL');
    await until('the server to be told to stop', () => signals().length > 0);
    expect(signals()).toEqual(['SIGTERM']);
    await until('the server and its supervisor to exit', () => !alive(ids.server) && !alive(ids.supervisor));
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('passes %s on to the server once, and exits with it', async (signal) => {
    const { ids, signals } = await start();
    process.kill(ids.supervisor, signal);
    await until('the server and its supervisor to exit', () => !alive(ids.server) && !alive(ids.supervisor));
    expect(signals()).toEqual([signal]);
  });
});
