/**
 * Credentials of a downstream as the bundle describes them (issue 13 #1): the control plane publishes the client
 * id, the authentication method and *where* the secret lives; the enforcer reads the secret from that environment
 * variable or file on its own host, so no secret ever travels through the control plane.
 */
import { createPrivateKey, type KeyObject, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { SignJWT } from "jose";
import { OboError } from "./errors.js";
import type { OboClientCredentials, OboDownstreamConfig } from "./types.js";

/** Where secrets are read from (tests pass their own). @example const src: SecretSource = { env: process.env, readFile: (p) => readFileSync(p, "utf8") } */
export interface SecretSource {
  env: Record<string, string | undefined>;
  readFile: (path: string) => string;
}

const defaultSource: SecretSource = { env: process.env, readFile: (path) => readFileSync(path, "utf8") };

/**
 * The {@link OboClientCredentials} of a published downstream, its secret read from `secretFrom`. Throws an
 * `OboError` (`exchange_rejected`) naming the downstream and the variable or file when something is missing,
 * never the secret. For `private_key_jwt` the secret is a PEM private key (RS256, or ES256 for an EC key) and every
 * exchange gets a fresh RFC 7523 assertion (60 s, unique `jti`, audience = the token endpoint).
 *
 * @example
 * const obo = createOboClient({ downstreams: () => configClient.current()?.obo ?? [], credentials: (d) => oboCredentialsFromPolicy(d), sink });
 */
export function oboCredentialsFromPolicy(
  downstream: OboDownstreamConfig,
  source: SecretSource = defaultSource,
): OboClientCredentials {
  const { name, clientId, secretFrom } = downstream;
  if (!clientId) throw new OboError("exchange_rejected", `downstream ${name} has no clientId in the policy`);
  if (!secretFrom) throw new OboError("exchange_rejected", `downstream ${name} does not say where its secret is`);
  let secret: string | undefined;
  let where: string;
  if ("env" in secretFrom) {
    where = `environment variable ${secretFrom.env}`;
    secret = source.env[secretFrom.env];
  } else {
    where = `file ${secretFrom.file}`;
    try {
      secret = source.readFile(secretFrom.file).trim();
    } catch {
      secret = undefined;
    }
  }
  if (!secret) throw new OboError("exchange_rejected", `downstream ${name}: the ${where} is missing or empty`);
  if (downstream.clientAuth !== "private_key_jwt") {
    return { clientId, clientSecret: secret, authMethod: downstream.clientAuth ?? "client_secret_basic" };
  }
  const pem = secret;
  let signer: { alg: "RS256" | "ES256"; key: KeyObject } | undefined;
  return {
    clientId,
    clientAssertion: async (audience) => {
      if (!signer) {
        try {
          const key = createPrivateKey(pem);
          signer = { alg: key.asymmetricKeyType === "ec" ? "ES256" : "RS256", key };
        } catch (err) {
          throw new OboError("exchange_rejected", `downstream ${name}: the ${where} is not a PEM private key`, {
            cause: err,
          });
        }
      }
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: signer.alg, typ: "JWT" })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .setJti(randomUUID())
        .sign(signer.key);
    },
  };
}
