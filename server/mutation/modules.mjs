// The rule-holding modules under mutation testing, each with the tests that cover it.
// A module's tests are the unit tests beside it and the API tests of its rules; keep the list
// short: every surviving-candidate mutant reruns them.
export const MODULES = {
  token: { mutate: 'src/modules/api-key/token.ts', tests: ['src/modules/api-key/token.test.ts', 'test/readme-token.test.ts'] },
  actor: { mutate: 'src/modules/auth/actor.ts', tests: ['src/modules/auth/actor.test.ts', 'test/role-matrix.test.ts'] },
  // throttles-mutation.test.ts: the throttles on a database, no server; then through the API.
  // sign-in-throttle.test.ts is left out of its run: it waits out real backoffs (seconds each), for
  // every surviving mutant (93 of them took 5 minutes for the first 9).
  'sign-in-throttle': {
    mutate: 'src/modules/auth/sign-in-throttle.ts',
    tests: ['src/modules/auth/sign-in-throttle.test.ts', 'test/throttles-mutation.test.ts'],
  },
  'sign-up-throttle': { mutate: 'src/modules/auth/sign-up-throttle.ts', tests: ['test/throttles-mutation.test.ts', 'test/sign-up.test.ts'] },
  'invitation-throttle': { mutate: 'src/modules/team/invitation-throttle.ts', tests: ['test/throttles-mutation.test.ts', 'test/sign-up.test.ts'] },
  // The API test (test/redaction.test.ts) would make each of redact.ts's 310 mutants start a server.
  redact: { mutate: 'src/modules/usage-log/redact.ts', tests: ['src/modules/usage-log/redact.test.ts'] },
  // usage-recorder-mutation.test.ts: the recorder on a real database (failures raised by a trigger), no server.
  'usage-recorder': {
    mutate: 'src/modules/usage-log/usage-recorder.ts',
    tests: ['test/usage-recorder-mutation.test.ts', 'src/modules/usage-log/usage-recorder.test.ts'],
  },
  // api-key-service-mutation.test.ts: the service on a database with a real verifier, no server.
  'api-key-service': { mutate: 'src/modules/api-key/api-key.service.ts', tests: ['test/api-key-service-mutation.test.ts'] },
  // api-key-verifier-mutation.test.ts: the verifier on a database, no server (its caches seen through beforeLookup).
  'api-key-verifier': { mutate: 'src/modules/api-key/api-key.verifier.ts', tests: ['test/api-key-verifier-mutation.test.ts'] },
  // team-service-mutation.test.ts: the service on a database with real throttles and the outbox mailer, no server.
  // probe-accounts.test.ts: two teams' invitations accepted at once, switchTeam, links of a removed admin (2026-12-05).
  'team-service': {
    mutate: 'src/modules/team/team.service.ts',
    tests: ['test/team-service-mutation.test.ts', 'test/teams.test.ts', 'test/probe-accounts.test.ts'],
  },
  // export-service-mutation.test.ts: the service and the resources on a database, in an app of its own with
  // WORKERS=false (no request; each background run is made by the test). exports.test.ts and
  // export-rules.test.ts are left out of their runs: each surviving mutant started their servers again
  // (14 mutants took 4 min), and they check no rule of these files that this one does not.
  // The fault tests of what the service gained on 2026-12-04 and 05 (a small export cancelled at
  // shutdown, the team's count slots and the count's share of the deadline, a background export
  // interrupted by its instance stopping, failInterruptedExports) join its runs: without them
  // those lines were counted not covered (75.97 % on 2026-12-05).
  'export-service': {
    mutate: 'src/modules/export/export.service.ts',
    tests: [
      'test/export-service-mutation.test.ts',
      'test/faults-export-inline.test.ts',
      'test/export-count-timeout.test.ts',
      'test/faults-export.test.ts',
      'test/probe-exports.test.ts',
    ],
  },
  'export-resources': { mutate: 'src/modules/export/export.resources.ts', tests: ['test/export-service-mutation.test.ts'] },
  // export-download-mutation.test.ts: the download handler in Express apps of its own over one server's
  // services, exports and their writer played with SQL (no job queue). The API tests of downloads
  // (exports.test.ts, export-rules.test.ts, export-stream.test.ts) are left out of these runs: each
  // surviving mutant would rerun their setup (a server, 1,500 to 40,000 seeded rows, background exports).
  // probe-exports.test.ts (2026-12-05, session 21): HEAD, one team's share of the slots, exports of a dead writer, FAILED exports' chunks.
  'export-download': { mutate: 'src/modules/export/export.download.ts', tests: ['test/export-download-mutation.test.ts', 'test/probe-exports.test.ts'] },
  // Following an export while it is written (chunks handed over in memory, NOTIFY, polls).
  'export-stream': { mutate: 'src/modules/export/export.stream.ts', tests: ['test/export-download-mutation.test.ts'] },
  // An export chunk inserted from the writer's buffer (Parse, Bind, Execute, Sync written by us).
  'chunk-insert': { mutate: 'src/modules/export/chunk-insert.ts', tests: ['src/modules/export/chunk-insert.test.ts'] },
  // Export COPYs and downloads read by hijacking pg's socket (row bytes moved over the message headers).
  // A mutant that stops the stream hangs its test: 10 s of timeout instead of 60 (the tests take ~3 s).
  // binary-copy.test.ts is left out: it only makes its input with CopyOut, in a beforeAll, which made
  // Stryker count the lines it ran as static (run before any test) and report them survived.
  'copy-out': { mutate: 'src/lib/copy-out.ts', tests: ['src/lib/copy-out.test.ts'], timeoutMS: 10_000 },
  // rest-router-mutation.test.ts: the router with routes of its own in an app of its own (one server for its gate and keys).
  // rest-probe-2.test.ts: a client that hangs up before its answer is logged all the same (whenAnswered).
  'rest-router': {
    mutate: 'src/rest/router.ts',
    tests: ['test/rest-router-mutation.test.ts', 'test/rest-errors.test.ts', 'test/rest-api-keys.test.ts', 'test/rest-probe-2.test.ts'],
  },
  // The one request gate of REST, GraphQL, WebSocket and downloads (who is asking, fixed once).
  // gate-mutation.test.ts drives the gate directly (one server); gate.test.ts through HTTP.
  // rest-probe-2.test.ts: finishWhenDone's 'end' — a REST request whose client hung up before its answer is logged all the same.
  // paths-case.test.ts: the usage log's path keeps what was asked (`/API/api/domains`: API_PREFIX's `^` anchor).
  'auth-gate': {
    mutate: 'src/modules/auth/gate.ts',
    tests: ['test/gate-mutation.test.ts', 'test/gate-store-mutation.test.ts', 'test/gate.test.ts', 'test/rest-probe-2.test.ts', 'test/paths-case.test.ts'],
  },
  'graphql-context': { mutate: 'src/graphql/context.ts', tests: ['src/graphql/context.test.ts', 'test/smoke.test.ts', 'test/role-matrix.test.ts'] },
};
