/**
 * The live demo's own data directory (default data/demo-live/, never the user's data/portcullis.db): its SQLite
 * file, the control plane's two secrets (scripts/start-secrets.mjs, generated once) and demo.json with the demo
 * admin's password and the enforcer credential, both mode 0600. A second run reuses them; `--reset` deletes the
 * directory first.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
// @ts-expect-error: a plain .mjs start script without types (shared with `npm start`)
import { resolveSecrets } from "../../start-secrets.mjs";

export const DEMO_ADMIN_EMAIL = "demo@portcullis.local";

export interface DemoState {
  dir: string;
  databaseUrl: string;
  adminPassword: string;
  credential?: string;
  /** NEXTAUTH_SECRET and PORTCULLIS_ENCRYPTION_KEY. */
  secrets: Record<string, string>;
  /** Whether this run created the directory (a fresh demo). */
  fresh: boolean;
}

export function loadState(dataDir: string, reset: boolean): DemoState {
  const dir = resolve(dataDir);
  if (reset) rmSync(dir, { recursive: true, force: true });
  const fresh = !existsSync(join(dir, "demo.json"));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const saved = fresh ? {} : (JSON.parse(readFileSync(join(dir, "demo.json"), "utf8")) as Partial<DemoState>);
  const secrets: Record<string, string> = {};
  resolveSecrets(secrets, dir);
  const state: DemoState = {
    dir,
    databaseUrl: `file:${join(dir, "portcullis.db")}`,
    adminPassword: saved.adminPassword ?? randomBytes(12).toString("base64url"),
    credential: saved.credential,
    secrets,
    fresh,
  };
  saveState(state);
  return state;
}

export function saveState(state: DemoState): void {
  const file = join(state.dir, "demo.json");
  const kept = { adminPassword: state.adminPassword, credential: state.credential };
  writeFileSync(file, JSON.stringify(kept, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
}
