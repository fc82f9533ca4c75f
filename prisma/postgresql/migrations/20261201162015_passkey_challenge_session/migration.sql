-- AlterTable
ALTER TABLE "PasskeyChallenge" ADD COLUMN     "sessionId" TEXT;

