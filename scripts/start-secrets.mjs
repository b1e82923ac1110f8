/**
 * The two secrets `npm start` needs (issue 10 #9). PORTCULLIS_ENCRYPTION_KEY decrypts the config
 * signing key: a copy of the data directory that also holds it can forge bundles every enforcer
 * accepts. So:
 * - production (NODE_ENV=production): both come from the environment (or a secret manager that fills
 *   it), nothing is generated or read from disk, and a missing one stops the start naming it;
 * - otherwise (the embedded single-machine default): generated once into data/secrets.json.
 * The file, when there is one, is made mode 0600 at every start, not only when it is created.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SECRET_VARS = ["NEXTAUTH_SECRET", "PORTCULLIS_ENCRYPTION_KEY"];

export class MissingSecretsError extends Error {}

/** Fills env's secrets in place; returns what it did, for the start banner. Throws MissingSecretsError. */
export function resolveSecrets(env, dataDir) {
  const file = join(dataDir, "secrets.json");
  if (existsSync(file)) chmodSync(file, 0o600);
  const missing = SECRET_VARS.filter((name) => !env[name]);
  if (missing.length === 0) return { generated: [], file: null };
  if (env.NODE_ENV === "production") {
    const lines = [
      `Portcullis: refusing to start: NODE_ENV=production and ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set.`,
      "In production the secrets come from the environment (or your secret manager), never from a file beside the database:",
      ...missing.map((name) => `  ${name}=$(openssl rand -base64 32)`),
      ...(existsSync(file) ? [`${file} exists: move its values into the environment, then delete the file.`] : []),
      "Keep PORTCULLIS_ENCRYPTION_KEY out of backups of the data directory: it decrypts the config signing key.",
    ];
    throw new MissingSecretsError(lines.join("\n"));
  }
  const saved = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const generated = [];
  for (const name of SECRET_VARS) {
    if (!saved[name]) {
      saved[name] = randomBytes(32).toString("base64");
      generated.push(name);
    }
    env[name] ||= saved[name];
  }
  writeFileSync(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600); // writeFileSync's mode applies only when it creates the file
  return { generated, file };
}
