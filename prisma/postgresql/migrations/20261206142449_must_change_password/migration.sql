-- AlterTable
ALTER TABLE "Admin" ADD COLUMN     "mustChangePassword" BOOLEAN NOT NULL DEFAULT false;

