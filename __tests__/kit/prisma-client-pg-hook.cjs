// Loaded with `node --require` into a `next start` under test: @prisma/client
// then resolves the PostgreSQL client that __tests__/setup/pg-global-setup.mjs
// generated into node_modules/.prisma/client-pg, so the production build runs
// on PostgreSQL while node_modules/.prisma/client (the SQLite client that
// other test runs use at the same time) is never swapped.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a --require preload is CommonJS
const Module = require("node:module");

const FROM = ".prisma/client";
const TO = ".prisma/client-pg";
const resolveFilename = Module._resolveFilename;

Module._resolveFilename = function resolvePostgresClient(request, ...rest) {
  const redirected =
    request === FROM || request.startsWith(`${FROM}/`) ? `${TO}${request.slice(FROM.length)}` : request;
  return resolveFilename.call(this, redirected, ...rest);
};
