-- AlterTable
ALTER TABLE "ConfigVersion" ADD COLUMN "draft" TEXT;

-- AlterTable
ALTER TABLE "McpResource" ADD COLUMN "archivedAt" DATETIME;
ALTER TABLE "McpResource" ADD COLUMN "archivedByEmail" TEXT;

-- CreateTable
CREATE TABLE "DraftSnapshot" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "resourceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "draft" TEXT NOT NULL,
    "createdByEmail" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DraftSnapshot_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "McpResource" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "DraftSnapshot_resourceId_createdAt_idx" ON "DraftSnapshot"("resourceId", "createdAt");

