-- AlterTable
ALTER TABLE "SignInChallenge" ADD COLUMN "codeSentOnArrivalAt" DATETIME;

