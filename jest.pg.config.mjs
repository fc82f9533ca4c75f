import path from "node:path";
import baseConfig from "./jest.config.mjs";

// `npm run test:pg`: the auth core's integration tests against PostgreSQL,
// in one worker (the tests share the run's database and count its rows).
const pgOnly = {
  globalSetup: "<rootDir>/__tests__/setup/pg-global-setup.mjs",
  globalTeardown: "<rootDir>/__tests__/setup/pg-global-teardown.mjs",
  testMatch: [
    "<rootDir>/__tests__/lib/server/**/*.test.ts",
    "<rootDir>/__tests__/app/**/*actions.test.ts",
    "<rootDir>/__tests__/app/**/*-flow.test.ts",
    "<rootDir>/__tests__/app/api/**/*.test.ts",
    "<rootDir>/__tests__/pg/**/*.test.ts",
  ],
  testPathIgnorePatterns: ["/node_modules/"],
  maxWorkers: 1,
};

export default async function jestPgConfig() {
  const base = await baseConfig();
  return {
    ...base,
    ...pgOnly,
    moduleNameMapper: {
      "^@prisma/client$": path.join(
        import.meta.dirname,
        "node_modules",
        ".prisma",
        "client-pg",
        "default.js",
      ),
      ...base.moduleNameMapper,
    },
  };
}
