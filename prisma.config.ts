/**
 * Prisma CLI configuration (CLI only; the app builds its own client in lib/server/db.ts).
 * `engine: "js"` + a driver adapter makes the CLI use the WebAssembly schema engine:
 * no native engine download, which fails offline (STACK.md "Prisma 6.19 offline").
 */
import { defineConfig } from "prisma/config";
import { cliAdapterFor, isPostgresUrl } from "./prisma/cli-adapter";

// Prisma falls back to downloading a native engine when DATABASE_URL is missing or of
// the wrong scheme, so always set one.
process.env.DATABASE_URL ||= "file:./data/portcullis.db";
const url = process.env.DATABASE_URL;
const provider = isPostgresUrl(url) ? "postgresql" : "sqlite";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: `prisma/${provider}/schema.prisma`,
  migrations: { path: `prisma/${provider}/migrations` },
  adapter: async () => cliAdapterFor(url),
});
