-- AlterTable
ALTER TABLE "SignInChallenge" ADD COLUMN "wrongCodes" INTEGER NOT NULL DEFAULT 0;
