/**
 * `npm run audit:verify`: walk the audit trail's hash chain and name the first broken link.
 * Exit 0 when intact, 1 when broken. Uses DATABASE_URL like the app (default: the embedded SQLite file) and
 * PORTCULLIS_ENCRYPTION_KEY (the chain is keyed with it and its checkpoint signed with a key it decrypts).
 */
import { verifyAuditChain } from "@/lib/server/audit";

const report = await verifyAuditChain();
if (report.ok) {
  console.log(`audit chain intact: ${report.checked} events verified`);
  if (report.anchor) {
    console.log(
      `anchored: the signed checkpoint of ${report.anchor.at} names event #${report.anchor.seq} as the head of ${report.anchor.count}`,
    );
  } else if (report.checked > 0) {
    console.log(
      "not anchored: PORTCULLIS_ENCRYPTION_KEY is not set, so the chain is neither keyed nor checked against its checkpoint",
    );
  }
  if (report.legacyRows) console.log(`${report.legacyRows} events predate the keyed chain (plain SHA-256)`);
} else {
  console.error(
    `audit chain BROKEN at event #${report.firstBroken?.seq}: ${report.firstBroken?.reason} (${report.checked} events verified before it)`,
  );
  process.exit(1);
}
