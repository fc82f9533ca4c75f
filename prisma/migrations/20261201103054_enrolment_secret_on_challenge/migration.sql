-- AlterTable
ALTER TABLE "SignInChallenge" ADD COLUMN "enrolCodes" TEXT;
ALTER TABLE "SignInChallenge" ADD COLUMN "enrolSecret" TEXT;

