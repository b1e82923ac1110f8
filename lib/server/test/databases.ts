import { rmSync } from "node:fs";

/**
 * A new, empty database for tests: a PostgreSQL database when TEST_DB=postgres (dropped first if a crashed
 * run left it), else a SQLite file under data/. Not migrated: the caller runs `prisma migrate deploy`.
 */
const PG_ADMIN_URL = process.env.PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export async function createTestDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (process.env.TEST_DB !== "postgres") {
    const file = `data/${name}.db`;
    rmSync(file, { force: true });
    return {
      url: `file:./${file}`,
      drop: async () => {
        for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
      },
    };
  }
  const { default: pg } = await import("pg");
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => c.end());
    },
  };
}
