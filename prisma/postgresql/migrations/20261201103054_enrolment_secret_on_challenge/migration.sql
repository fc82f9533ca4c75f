-- AlterTable
ALTER TABLE "SignInChallenge" ADD COLUMN     "enrolCodes" TEXT,
ADD COLUMN     "enrolSecret" TEXT;

