-- DropIndex
DROP INDEX "TelemetryEvent_type_outcome_at_idx";

-- DropIndex
DROP INDEX "TelemetryEvent_resourceId_at_idx";

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
-- WITHOUT ROWID (hand-added; Prisma neither writes nor introspects it): the table is stored in primary-key
-- order, so a chart's range scan over (grain, type, dim, bucket) reads contiguous rows with their counts
-- instead of one table lookup per index entry.
CREATE TABLE "new_TelemetryRollup" (
    "grain" INTEGER NOT NULL,
    "bucket" INTEGER NOT NULL,
    "resourceId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "dimValue" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "latencySum" REAL NOT NULL DEFAULT 0,
    "h0" INTEGER NOT NULL DEFAULT 0,
    "h1" INTEGER NOT NULL DEFAULT 0,
    "h2" INTEGER NOT NULL DEFAULT 0,
    "h3" INTEGER NOT NULL DEFAULT 0,
    "h4" INTEGER NOT NULL DEFAULT 0,
    "h5" INTEGER NOT NULL DEFAULT 0,
    "h6" INTEGER NOT NULL DEFAULT 0,
    "h7" INTEGER NOT NULL DEFAULT 0,
    "h8" INTEGER NOT NULL DEFAULT 0,
    "h9" INTEGER NOT NULL DEFAULT 0,
    "h10" INTEGER NOT NULL DEFAULT 0,
    "h11" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("grain", "type", "dim", "bucket", "resourceId", "outcome", "reason", "dimValue")
) WITHOUT ROWID;
-- Rollups are derived data and none were written before this migration: the new table starts empty.
DROP TABLE "TelemetryRollup";
ALTER TABLE "new_TelemetryRollup" RENAME TO "TelemetryRollup";
CREATE INDEX "TelemetryRollup_bucket_idx" ON "TelemetryRollup"("bucket");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "TelemetryEvent_resourceId_id_idx" ON "TelemetryEvent"("resourceId", "id");

