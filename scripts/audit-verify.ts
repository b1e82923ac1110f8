/**
 * `npm run audit:verify`: walk the audit trail's hash chain and name the first broken link.
 * Exit 0 when intact, 1 when broken. Uses DATABASE_URL like the app (default: the embedded SQLite file).
 */
import { verifyAuditChain } from "@/lib/server/audit";

const report = await verifyAuditChain();
if (report.ok) {
  console.log(`audit chain intact: ${report.checked} events verified`);
} else {
  console.error(
    `audit chain BROKEN at event #${report.firstBroken?.seq}: ${report.firstBroken?.reason} (${report.checked} events verified before it)`,
  );
  process.exit(1);
}
