// `pnpm start`: install if needed, build if stale, then run the server (which migrates and serves).
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { supervise } from './supervise.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit' });

const newest = (dir) => {
  let max = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else max = Math.max(max, fs.statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return max;
};
const builtAt = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);

if (!fs.existsSync(path.join(root, 'node_modules', '.modules.yaml'))) run('pnpm install --frozen-lockfile');
const serverOut = path.join(root, 'server', 'dist', 'src', 'main.js');
const clientOut = path.join(root, 'client', 'dist', 'index.html');
if (builtAt(serverOut) < newest(path.join(root, 'server', 'src'))) run('pnpm --filter @keyring/server build');
if (builtAt(clientOut) < newest(path.join(root, 'client', 'src'))) run('pnpm --filter @keyring/client build');
// GraphiQL at /graphql outside production (NODE_ENV unset is development).
const explorerOut = path.join(root, 'explorer', 'dist', 'index.html');
if (process.env.NODE_ENV !== 'production' && builtAt(explorerOut) < newest(path.join(root, 'explorer', 'src'))) run('pnpm --filter @keyring/explorer build');

supervise(process.execPath, ['--enable-source-maps', serverOut], { cwd: root });
