// Each test file closes the Prisma client it opened (lib/server/platform/db.ts keeps it
// on globalThis), so no pool outlives its file: PostgreSQL's database can then
// be dropped without cutting live connections.
afterAll(async () => {
  const holder = globalThis as { prisma?: { $disconnect: () => Promise<void> } };
  await holder.prisma?.$disconnect();
  holder.prisma = undefined;
});
