import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypeScript from "eslint-config-next/typescript";

// What the edge runtime (middleware.ts and the lib/auth/ it imports) cannot
// load, and what lib/validations/ (usable in a client component) must not.
const nodeOnly = [
  { group: ["node:*"], message: "Edge-safe and client code: no Node built-ins." },
  { group: ["@prisma/*", "pg", "better-sqlite3"], message: "Edge-safe and client code: no database." },
  { group: ["jsonwebtoken", "bcryptjs", "@node-rs/*", "nodemailer"], message: "Node-only package." },
  { group: ["server-only", "@/lib/server/*", "@/lib/server/**"], message: "lib/server/ is Node-only." },
];

const config = [
  ...nextCoreWebVitals,
  ...nextTypeScript,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  // Type-aware rules: a promise nobody awaits loses its rejection, and one
  // passed where a void callback is expected runs unawaited.
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
  // Dependencies point down only: app -> lib/server -> lib/validations, lib/auth.
  // import/no-restricted-paths resolves each import (the "@/" alias included)
  // through eslint-config-next's resolvers, so relative paths count too.
  {
    files: ["lib/**/*.{ts,tsx}"],
    rules: {
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            { target: "./lib", from: "./app", message: "lib/ never imports app/." },
            { target: "./lib", from: "./auth.ts", message: "lib/ never imports the root auth.ts." },
            {
              target: "./lib/auth",
              from: "./lib/server",
              message: "lib/auth/ is edge-safe: no lib/server/.",
            },
            {
              target: "./lib/validations",
              from: "./lib/server",
              message: "lib/validations/ is pure zod, usable in a client component: no lib/server/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/auth/**/*.{ts,tsx}", "middleware.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: nodeOnly }] },
  },
  {
    files: ["lib/validations/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": ["error", { patterns: nodeOnly }] },
  },
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "data/**",
      "test-results/**",
      "playwright-report/**",
      ".tmp/**",
      "next-env.d.ts",
    ],
  },
];

export default config;
