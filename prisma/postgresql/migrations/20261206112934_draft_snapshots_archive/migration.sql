-- AlterTable
ALTER TABLE "ConfigVersion" ADD COLUMN     "draft" TEXT;

-- AlterTable
ALTER TABLE "McpResource" ADD COLUMN     "archivedAt" TIMESTAMP(3),
ADD COLUMN     "archivedByEmail" TEXT;

-- CreateTable
CREATE TABLE "DraftSnapshot" (
    "id" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "draft" TEXT NOT NULL,
    "createdByEmail" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DraftSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DraftSnapshot_resourceId_createdAt_idx" ON "DraftSnapshot"("resourceId", "createdAt");

-- AddForeignKey
ALTER TABLE "DraftSnapshot" ADD CONSTRAINT "DraftSnapshot_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "McpResource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

