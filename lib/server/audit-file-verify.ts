import "server-only";
import { auditRowHash, canonicalRow, GENESIS_HASH } from "./audit";
import { auditChainKey, KEYED_ALG, keyedHash, LEGACY_ALG } from "./audit-anchor";
import { AUDIT_EXPORT_COLUMNS, type AuditExportRow } from "./audit-export";

/**
 * Offline verification of an audit export (`npm run audit:verify -- --file export.jsonl|csv`): every
 * row's hash is recomputed from the exported fields (keyed rows need PORTCULLIS_ENCRYPTION_KEY, as the
 * live chain does), and wherever two exported rows are consecutive events (seq n, n+1) the second must
 * link to the first. A filtered export skips events; those gaps are reported, not failed: the rows on
 * either side are each still proven by their own hash.
 */
export interface FileReport {
  ok: boolean;
  rows: number;
  linked: number;
  gaps: number;
  legacyRows: number;
  firstBroken?: { seq: number | string; reason: string };
}

/** RFC 4180: quoted cells, doubled quotes, CRLF or LF rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length) rows.push([...row, cell]);
  return rows.filter((r) => r.length > 1 || r[0] !== "");
}

// Undo lib/server/telemetry/csv.ts's spreadsheet-formula guard (a ' before = + - @ at a cell's or an inner line's start).
const unguard = (v: string) =>
  v.replace(/^'(?=[\s\u00a0\ufeff]*[=+\-@\t\r])/, "").replace(/([;\t\r\n])'(?=[\s\u00a0\ufeff]*[=+\-@])/g, "$1");

export function parseExport(text: string, name: string): AuditExportRow[] {
  if (/\.csv$/i.test(name) || text.startsWith('"seq"')) {
    const [header, ...body] = parseCsv(text);
    if (header?.[0] !== "seq") throw new Error("not an audit CSV export (no seq header)");
    return body.map((cells) => {
      const row: Record<string, string | null> = Object.fromEntries(header.map((h, i) => [h, unguard(cells[i] ?? "")]));
      // CSV has no null: an empty cell is null, except a string that really is empty (actorEmail is never).
      for (const c of AUDIT_EXPORT_COLUMNS) if (row[c] === "") row[c] = null;
      return { ...row, seq: Number(row.seq) } as AuditExportRow;
    });
  }
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l, i) => {
      try {
        return JSON.parse(l) as AuditExportRow;
      } catch {
        throw new Error(`line ${i + 1} is not JSON`);
      }
    });
}

const str = (v: unknown) => (v === null || v === undefined || v === "" ? null : String(v));

/**
 * The chain key for offline checks: PORTCULLIS_AUDIT_CHAIN_KEY (the derived HMAC key alone, base64, from
 * `npm run audit:verify -- --print-chain-key`), so an auditor never holds PORTCULLIS_ENCRYPTION_KEY, which
 * also decrypts the config signing key; else the key derived from PORTCULLIS_ENCRYPTION_KEY.
 */
export function offlineChainKey(): Buffer | null {
  const given = process.env.PORTCULLIS_AUDIT_CHAIN_KEY?.trim();
  if (given) {
    const key = Buffer.from(given, "base64");
    if (key.length !== 32) throw new Error("PORTCULLIS_AUDIT_CHAIN_KEY must be 32 bytes, base64");
    return key;
  }
  return auditChainKey();
}

export function verifyExportRows(rows: AuditExportRow[], key: Buffer | null = offlineChainKey()): FileReport {
  let prev: AuditExportRow | null = null;
  let linked = 0;
  let gaps = 0;
  let legacyRows = 0;
  let keyedSeen = false;
  let i = 0;
  const broken = (seq: number | string, reason: string): FileReport => ({
    ok: false,
    rows: i,
    linked,
    gaps,
    legacyRows,
    firstBroken: { seq, reason },
  });
  for (const r of rows) {
    const seq = Number(r.seq);
    if (!Number.isInteger(seq)) return broken(String(r.seq), "row without a sequence number");
    if (prev && seq <= Number(prev.seq)) return broken(seq, "rows are out of order or repeated");
    const fields = {
      at: new Date(String(r.at)),
      actorId: str(r.actorId),
      actorEmail: String(r.actorEmail ?? ""),
      action: String(r.action),
      targetType: String(r.targetType),
      targetId: str(r.targetId),
      before: r.before === null ? null : String(r.before),
      after: r.after === null ? null : String(r.after),
      requestId: str(r.requestId),
      ip: str(r.ip),
      ...(str(r.apiTokenId) ? { apiTokenId: str(r.apiTokenId) } : {}),
    };
    const prevHash = String(r.prevHash);
    if (Number.isNaN(fields.at.getTime())) return broken(seq, "row has no valid time");
    if (seq === 1 && prevHash !== GENESIS_HASH) return broken(seq, "the first event does not start the chain");
    if (prev && seq === Number(prev.seq) + 1) {
      if (prevHash !== prev.hash)
        return broken(seq, "link to the previous row is broken (a row was changed or replaced)");
      linked++;
    } else if (prev) gaps++;
    let expected: string | null = null;
    if (r.hashAlg === LEGACY_ALG) {
      if (keyedSeen) return broken(seq, "an unkeyed row after keyed ones (the chain was rewritten without the key)");
      expected = auditRowHash(prevHash, fields);
      legacyRows++;
    } else if (r.hashAlg === KEYED_ALG) {
      if (!key)
        return broken(seq, "cannot verify keyed rows without PORTCULLIS_AUDIT_CHAIN_KEY or PORTCULLIS_ENCRYPTION_KEY");
      expected = keyedHash(key, canonicalRow(prevHash, fields));
      keyedSeen = true;
    } else return broken(seq, `unknown hash algorithm ${String(r.hashAlg)}`);
    if (expected !== r.hash) return broken(seq, "row content does not match its hash (the row was edited)");
    prev = r;
    i++;
  }
  return { ok: true, rows: i, linked, gaps, legacyRows };
}
