import "server-only";
import { decryptSecret, encryptSecret } from "../crypto";
import type { SinkConfig } from "./transports";

/**
 * A sink's connection settings, sealed with AES-256-GCM bound to the row id (lib/server/crypto.ts):
 * the webhook URL and signing secret, the Splunk HEC token, the syslog host and CA. Never returned;
 * the list shows `targetOf` only.
 */
const aad = (id: string) => `audit-sink:${id}`;
export const sealSinkConfig = (id: string, c: SinkConfig) => encryptSecret(JSON.stringify(c), aad(id));
export const openSinkConfig = (id: string, sealed: string): SinkConfig =>
  JSON.parse(decryptSecret(sealed, aad(id))) as SinkConfig;

/** The display hint: a URL's origin (its path or query may hold a token), or syslog's host:port. */
export function targetOf(c: SinkConfig): string {
  if (c.kind === "syslog") return `${c.tls ? "tls" : "tcp"}://${c.host}:${c.port}`;
  return new URL(c.url).origin;
}
