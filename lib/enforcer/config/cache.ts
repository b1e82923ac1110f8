/**
 * The config client's last good bundle on disk: written atomically (temporary file in the same
 * directory, then rename(2), which replaces the target in one step on POSIX), so a crash mid-write
 * leaves the previous file intact. Mode 0600: the policy is not secret, but nobody else should edit it.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { promisify } from "node:util";

/**
 * The callback `writeFile`: it opens, writes and closes without the `FileHandle` object the promise API makes per
 * call (issue 17: a fleet-sized bench applies a thousand bundles per publish; that object was a visible cost).
 */
const writeFileCb = promisify(writeFile);
/** Temporary names: a random part drawn once per process, then a counter (no random draw per bundle). */
const tmpPrefix = `${process.pid}.${randomBytes(4).toString("hex")}`;
let tmpSeq = 0;

/** Directories this process already made: one mkdir per directory, not one per bundle applied. */
const madeDirs = new Set<string>();

/**
 * Atomically replace `file` with `text`.
 *
 * @example
 * await writeFileAtomic("/var/cache/portcullis/config.jws", jws);
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  if (!madeDirs.has(dir)) {
    await mkdir(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const tmp = `${file}.${tmpPrefix}.${++tmpSeq}.tmp`;
  try {
    // wx: created here, never an existing file or a symlink planted at the name.
    await writeFileCb(tmp, text, { mode: 0o600, flag: "wx" });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    // The directory went away since it was made (a cleaned cache directory): make it again, once.
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && madeDirs.delete(dir)) return writeFileAtomic(file, text);
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
