import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "./env";

/**
 * Encryption at rest for the few secrets the control plane must be able to read back (the config
 * signing key's private JWK). AES-256-GCM with a random 96-bit IV per message (NIST SP 800-38D §8.2);
 * the 128-bit tag authenticates the ciphertext and the optional associated data (e.g. the key id,
 * so a ciphertext cannot be moved to another row).
 *
 * Format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 */
const VERSION = "v1";

export function encryptionKey(): Buffer {
  const raw = env().PORTCULLIS_ENCRYPTION_KEY;
  if (!raw) {
    throw new Error(
      "PORTCULLIS_ENCRYPTION_KEY is not set: it encrypts the config signing key at rest. " +
        "Set it to 32 random bytes, base64 or hex (openssl rand -base64 32).",
    );
  }
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64");
  if (key.length !== 32) throw new Error("PORTCULLIS_ENCRYPTION_KEY must decode to exactly 32 bytes.");
  return key;
}

export function encryptSecret(plaintext: string, associatedData = ""): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey(), iv);
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

/** Throws when the value was altered, moved (other associated data) or encrypted under another key. */
export function decryptSecret(sealed: string, associatedData = ""): string {
  const [version, iv, tag, ciphertext, ...rest] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined || rest.length > 0) {
    throw new Error("Encrypted value has an unknown format.");
  }
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey(), Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(associatedData, "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error(
      "Cannot decrypt a stored secret: PORTCULLIS_ENCRYPTION_KEY differs from the key it was encrypted with, or the value was altered.",
    );
  }
}
