/**
 * `npm run audit:verify`: walk the audit trail's hash chain and name the first broken link.
 * `npm run audit:verify -- --file export.jsonl` (or .csv): verify an audit export offline, without the database.
 * Exit 0 when intact, 1 when broken. Uses DATABASE_URL like the app (default: the embedded SQLite file) and
 * PORTCULLIS_ENCRYPTION_KEY (the chain is keyed with it and its checkpoint signed with a key it decrypts).
 */
import { readFileSync } from "node:fs";
import { verifyAuditChain } from "@/lib/server/audit";
import { auditChainKey } from "@/lib/server/audit-anchor";
import { parseExport, verifyExportRows } from "@/lib/server/audit-file-verify";

if (process.argv.includes("--print-chain-key")) {
  // For an auditor: the chain's HMAC key alone (verifies exports offline), not the encryption key it is derived from.
  const key = auditChainKey();
  if (!key) {
    console.error("PORTCULLIS_ENCRYPTION_KEY is not set: the chain is not keyed.");
    process.exit(2);
  }
  console.log(key.toString("base64"));
  process.exit(0);
}

const fileArg = process.argv.indexOf("--file");
if (fileArg !== -1) {
  // `--file export.jsonl|csv`: an export from the Audit page or GET /api/v1/audit/export, checked offline.
  const name = process.argv[fileArg + 1];
  if (!name) {
    console.error("usage: npm run audit:verify -- --file <export.jsonl|export.csv>");
    process.exit(2);
  }
  let rows: ReturnType<typeof parseExport>;
  try {
    rows = parseExport(readFileSync(name, "utf8"), name);
  } catch (err) {
    console.error(`cannot read ${name}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
  const r = verifyExportRows(rows);
  if (!r.ok) {
    console.error(
      `audit export BROKEN at event #${r.firstBroken?.seq}: ${r.firstBroken?.reason} (${r.rows} rows verified before it)`,
    );
    process.exit(1);
  }
  console.log(
    `audit export intact: ${r.rows} rows, every hash recomputed; ${r.linked} links between consecutive rows checked`,
  );
  if (r.gaps)
    console.log(
      `${r.gaps} gap(s) where the export skips events (a filtered export): each side is proven by its own hash`,
    );
  if (r.legacyRows) console.log(`${r.legacyRows} rows predate the keyed chain (plain SHA-256)`);
  process.exit(0);
}

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
