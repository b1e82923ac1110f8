import { describe, expect, it } from "vitest";
import { db } from "./db";
import { isPostgres } from "./env";

describe.skipIf(isPostgres())("the SQLite connection", () => {
  it("runs in WAL mode with synchronous=NORMAL and a busy timeout", async () => {
    const read = async (pragma: string) =>
      Object.values(((await db().$queryRawUnsafe(`PRAGMA ${pragma}`)) as Record<string, unknown>[])[0] ?? {})[0];
    expect(String(await read("journal_mode")).toLowerCase()).toBe("wal");
    expect(Number(await read("synchronous"))).toBe(1); // NORMAL
    expect(Number(await read("busy_timeout"))).toBe(5000);
  });
});
