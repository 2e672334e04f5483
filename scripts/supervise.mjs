// The process `pnpm start` leaves running: the server, as a child that hears every way of being told to stop.
import { spawn } from 'node:child_process';

/**
 * Runs `command` and ends with it. SIGINT, SIGTERM and SIGHUP (the terminal closed) are passed on, so that the server shuts down
 * gracefully (requests finished, usage logs written). So is the loss of this process's parent:
 * a SIGTERM sent to `pnpm start` itself (a process manager, `kill <pid>`) ends pnpm and its shell
 * without passing the signal on, and this process, adopted by another, would otherwise keep the
 * server running unsupervised. A parent gone is taken as that SIGTERM.
 */
export function supervise(command, args, opts = {}) {
  const child = spawn(command, args, { stdio: 'inherit', ...opts });
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid !== parent) stop('SIGTERM');
  }, 250);
  orphaned.unref();
  // Once told to stop, the server is not told again by the watch (a second signal is still passed on).
  const stop = (signal) => {
    clearInterval(orphaned);
    child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return child;
}
