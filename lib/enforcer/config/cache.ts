/**
 * The config client's last good bundle on disk: written atomically (temporary file in the same
 * directory, then rename(2), which replaces the target in one step on POSIX), so a crash mid-write
 * leaves the previous file intact. Mode 0600: the policy is not secret, but nobody else should edit it.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Atomically replace `file` with `text`.
 *
 * @example
 * await writeFileAtomic("/var/cache/portcullis/config.jws", jws);
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Read a cache file; `undefined` when it does not exist or cannot be read.
 *
 * @example
 * const jws = await readCacheFile("/var/cache/portcullis/config.jws");
 */
export async function readCacheFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch {
    return undefined;
  }
}
