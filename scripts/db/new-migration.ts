/**
 * Create a migration offline for BOTH providers from the one source schema.
 *   npm run db:new-migration -- add_widgets
 * Needs the local PostgreSQL (PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres)
 * for its shadow database. Uses `migrate diff --from-migrations` (STACK.md: the offline path
 * that works; `migrate dev` does not).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_");
if (!name) {
  console.error("usage: npm run db:new-migration -- <name>");
  process.exit(2);
}
execFileSync("npx", ["tsx", "scripts/db/sync-schema.ts"], { stdio: "inherit" });
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const urls: Record<string, string> = {
  sqlite: "file:./data/.migration-scratch.db",
  postgresql: process.env.PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
};
for (const provider of ["sqlite", "postgresql"]) {
  const sql = execFileSync(
    "npx",
    [
      "prisma",
      "migrate",
      "diff",
      "--from-migrations",
      `prisma/${provider}/migrations`,
      "--to-schema-datamodel",
      `prisma/${provider}/schema.prisma`,
      "--script",
    ],
    { env: { ...process.env, DATABASE_URL: urls[provider] }, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  if (/This is an empty migration/.test(sql)) {
    console.log(`${provider}: schema unchanged, no migration written`);
    continue;
  }
  const dir = `prisma/${provider}/migrations/${stamp}_${name}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/migration.sql`, sql);
  console.log(`${provider}: wrote ${dir}/migration.sql`);
}
