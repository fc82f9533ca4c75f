import nextJest from "next/jest.js";

const createJestConfig = nextJest({ dir: "./" });

/** @type {import('jest').Config} */
const config = {
  testEnvironment: "node",
  testMatch: ["<rootDir>/__tests__/**/*.test.{ts,tsx}"],
  // PostgreSQL-only tests run under `npm run test:pg` (jest.pg.config.mjs).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/pg/"],
  globalSetup: "<rootDir>/__tests__/setup/global-setup.mjs",
  globalTeardown: "<rootDir>/__tests__/setup/global-teardown.mjs",
  setupFiles: ["<rootDir>/__tests__/setup/env.ts", "<rootDir>/__tests__/setup/quiet-mail.ts"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup/matchers.ts", "<rootDir>/__tests__/setup/disconnect.ts"],
  moduleNameMapper: {
    "^@/(.*)$": "<rootDir>/$1",
    // The real package throws outside React Server Components.
    "^server-only$": "<rootDir>/__tests__/setup/empty-module.ts",
    // Prisma's query compiler ships an ESM wasm loader jest cannot run.
    "^@prisma/client/runtime/(query_compiler_bg\\..*)\\.mjs$": "@prisma/client/runtime/$1.js",
  },
};

// Packages that ship only as ES modules (otplib's @scure/base and
// @noble/hashes; next-auth and its dependencies): next/jest's SWC transform
// compiles them to CommonJS for jest.
const esmOnlyPackages = [
  "@scure/base",
  "@noble/hashes",
  "next-auth",
  "@auth/core",
  "jose",
  "@panva/hkdf",
  "oauth4webapi",
  "preact",
  "preact-render-to-string",
];

export default async function jestConfig() {
  const resolved = await createJestConfig(config)();
  return {
    ...resolved,
    transformIgnorePatterns: resolved.transformIgnorePatterns.map((pattern) =>
      pattern.replace("(?!(", `(?!(${esmOnlyPackages.join("|")}|`),
    ),
  };
}
