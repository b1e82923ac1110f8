/** Formats a demo run as a readable report for the terminal. */
import type { DemoResult } from "./run.js";

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  "));
}

export function formatReport(result: DemoResult): string {
  const lines: string[] = [];
  lines.push(`Portcullis enforcer demo (${result.mode})`);
  lines.push(`  MCP server  ${result.resourceUri}  (official SDK; tools read_file, search, delete_file)`);
  lines.push(`  IdP         ${result.issuer}  (Entra-shaped, loopback; aud ${result.audience})`);
  lines.push(`  Policy      tools allowlist [${result.allowedTools.join(", ")}]; anything else is refused`);
  lines.push("");
  const rows = [["", "#", "scenario", "HTTP", "reason", "what happened"]];
  result.outcomes.forEach((o, i) => {
    rows.push([
      o.ok ? "ok" : "!!",
      String(i + 1),
      o.scenario,
      String(o.status || "-"),
      o.reason ?? "-",
      o.ok ? o.detail : `${o.detail} [expected ${o.expected.status} ${o.expected.reason ?? ""}]`.trim(),
    ]);
  });
  lines.push(...table(rows).map((l) => `  ${l}`));
  lines.push("");
  lines.push(
    "  WWW-Authenticate answers (RFC 6750 §3; resource_metadata per RFC 9728 and the MCP authorization spec):",
  );
  result.outcomes.forEach((o, i) => {
    if (o.challenge) lines.push(`  ${String(i + 1).padStart(2)}  ${o.challenge}`);
  });
  lines.push("");
  const reasons = Object.entries(result.decisions.byReason)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  lines.push(
    `  Telemetry   ${result.decisions.allow} allowed, ${result.decisions.deny} denied decisions emitted to the sink` +
      (reasons ? ` (${reasons})` : ""),
  );
  const failed = result.outcomes.filter((o) => !o.ok).length;
  lines.push(
    failed === 0
      ? `  Result      all ${result.outcomes.length} scenarios answered as the policy requires`
      : `  Result      ${failed} of ${result.outcomes.length} scenarios did not answer as the standalone policy requires`,
  );
  return lines.join("\n");
}
