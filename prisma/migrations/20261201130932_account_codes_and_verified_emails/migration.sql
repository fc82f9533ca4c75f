-- AlterTable
ALTER TABLE "User" ADD COLUMN "emailVerifiedAt" DATETIME;

-- CreateTable
CREATE TABLE "AccountCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" DATETIME NOT NULL,
    "consumedAt" DATETIME,
    "voidedAt" DATETIME,
    "factorVerifiedAt" DATETIME,
    "browserHash" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AccountCode_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "AccountCode_secretHash_key" ON "AccountCode"("secretHash");

-- CreateIndex
CREATE INDEX "AccountCode_userId_purpose_idx" ON "AccountCode"("userId", "purpose");


-- Existing accounts (issue 13, item 6): an account whose second factor is
-- email proved its address when it confirmed its first emailed code, at
-- "twoFactorAt". Every other account stays unverified (NULL) and is asked to
-- verify in settings.
UPDATE "User" SET "emailVerifiedAt" = COALESCE("twoFactorAt", "createdAt") WHERE "twoFactorMethod" = 'email';
