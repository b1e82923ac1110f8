/**
 * prisma/sqlite/schema.prisma is the one source; the PostgreSQL schema is derived from it
 * because a Prisma schema's provider is a fixed string (STACK.md).
 *   tsx scripts/db/sync-schema.ts          write prisma/postgresql/schema.prisma
 *   tsx scripts/db/sync-schema.ts --check  exit 1 when the copy is stale
 */
import { readFileSync, writeFileSync } from "node:fs";

const source = readFileSync("prisma/sqlite/schema.prisma", "utf8");
const derived = source
  .replace(
    /^\/\/ SOURCE schema\..*\n(\/\/.*\n)*/m,
    "// GENERATED from prisma/sqlite/schema.prisma by `npm run db:sync-schema`. Do not edit.\n",
  )
  .replace('provider = "sqlite"', 'provider = "postgresql"')
  .replace('output     = "../../lib/generated/sqlite"', 'output     = "../../lib/generated/postgresql"');

if (!derived.includes('provider = "postgresql"') || !derived.includes("lib/generated/postgresql")) {
  throw new Error("sync-schema: the source schema's datasource/generator blocks changed shape; update this script");
}
const target = "prisma/postgresql/schema.prisma";
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {}
  if (current !== derived) {
    console.error(`${target} is stale: run npm run db:sync-schema`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, derived);
  console.log(`wrote ${target}`);
}
