-- Rollups are derived data and none were written before this migration: start empty so the NOT NULL columns can be added.
DELETE FROM "TelemetryRollup";

-- DropIndex
DROP INDEX "TelemetryEvent_resourceId_at_idx";

-- DropIndex
DROP INDEX "TelemetryEvent_type_outcome_at_idx";

-- DropIndex
DROP INDEX "TelemetryRollup_minute_idx";

-- AlterTable
ALTER TABLE "TelemetryRollup" DROP CONSTRAINT "TelemetryRollup_pkey",
DROP COLUMN "clientId",
DROP COLUMN "latencyHist",
DROP COLUMN "minute",
DROP COLUMN "tool",
ADD COLUMN     "bucket" INTEGER NOT NULL,
ADD COLUMN     "dim" TEXT NOT NULL,
ADD COLUMN     "dimValue" TEXT NOT NULL,
ADD COLUMN     "grain" INTEGER NOT NULL,
ADD COLUMN     "h0" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "h1" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "h10" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "h11" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "h2" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "h3" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "h4" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "h5" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "h6" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "h7" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "h8" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "h9" INTEGER NOT NULL DEFAULT 0,
ADD CONSTRAINT "TelemetryRollup_pkey" PRIMARY KEY ("grain", "type", "dim", "bucket", "resourceId", "outcome", "reason", "dimValue");

-- CreateIndex
CREATE INDEX "TelemetryEvent_resourceId_id_idx" ON "TelemetryEvent"("resourceId", "id");

-- CreateIndex
CREATE INDEX "TelemetryRollup_bucket_idx" ON "TelemetryRollup"("bucket");

