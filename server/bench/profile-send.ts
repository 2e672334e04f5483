// A CPU profile of the server under `POST /api/emails` load only: `npx tsx bench/profile-send.ts <dir>`.
// PROFILE_TARGET=health profiles `GET /api/health` instead (live: `GET /api/health/live`), to compare them per request.
// PROFILE_CONNECTIONS (20 by default): fewer clients leave the machine idle part of the time, so that the profile's
// wall-clock samples are closer to CPU time.
import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { scratchDatabase, sendingTeam, sendRequest, startServer } from './lib.js';

const out = process.argv[2] ?? path.join(os.tmpdir(), 'keyring-send-profile');
const db = await scratchDatabase('keyring-prof-');
const server = await startServer(db.url, {}, out);
const { token } = await sendingTeam(server.url);
const connections = Number(process.env.PROFILE_CONNECTIONS ?? 20);
const result = await autocannon(
  process.env.PROFILE_TARGET === 'health' || process.env.PROFILE_TARGET === 'live'
    ? { url: `${server.url}/api/health${process.env.PROFILE_TARGET === 'live' ? '/live' : ''}`, connections, duration: 8 }
    : { url: `${server.url}/api/emails`, connections, duration: 8, ...sendRequest(token) },
);
console.log(`${result.requests.average} req/s, ${result.requests.total} requests; profile in ${out}`);
await server.stop();
await db.remove();
