-- AlterTable
ALTER TABLE "SignInChallenge" ADD COLUMN     "codeSentOnArrivalAt" TIMESTAMP(3);

