/**
 * Credentials of a downstream as the bundle describes them (issue 13 #1): the control plane publishes the client
 * id, the authentication method and *where* the secret lives; the enforcer reads the secret from that environment
 * variable or file on its own host, so no secret ever travels through the control plane.
 *
 * The bundle is written by control-plane admins, whom the MCP server's host does not have to trust with its own
 * secrets: an admin who could name any variable or file could make every enforcer read `/etc/shadow` or its own
 * `PORTCULLIS_CREDENTIAL` and post it to a token endpoint. So the MCP server's code bounds what a policy may name:
 * variables with one prefix (default `PORTCULLIS_OBO_`) and files inside one directory (none unless the code
 * names it). Anything else is refused before it is read.
 */
import { createPrivateKey, type KeyObject, randomUUID } from "node:crypto";
import { readFileSync, realpathSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { SignJWT } from "jose";
import { OboError } from "./errors.js";
import type { OboClientCredentials, OboDownstreamConfig } from "./types.js";

/** Where secrets are read from (tests pass their own). @example const src: SecretSource = { env: process.env, readFile: (p) => readFileSync(p, "utf8") } */
export interface SecretSource {
  env: Record<string, string | undefined>;
  readFile: (path: string) => string;
  /** Resolves symbolic links (default `fs.realpathSync`); a link out of the secret directory is refused. */
  realpath?: (path: string) => string;
}

/**
 * What a policy may name, set in the MCP server's code (never in the bundle).
 *
 * @example
 * oboCredentialsFromPolicy(downstream, { envPrefix: "PORTCULLIS_OBO_", secretDir: "/run/secrets/portcullis" })
 */
export interface OboCredentialOptions {
  /** Environment variables a policy may name start with this. Default `PORTCULLIS_OBO_`; `""` allows any. */
  envPrefix?: string;
  /** The directory whose files a policy may name (links resolved). No default: a policy naming a file is refused. */
  secretDir?: string;
  source?: SecretSource;
}

/** The prefix of environment variables a published downstream may name unless the server's code says otherwise. */
export const DEFAULT_OBO_ENV_PREFIX = "PORTCULLIS_OBO_";

const defaultSource: SecretSource = {
  env: process.env,
  readFile: (path) => readFileSync(path, "utf8"),
  realpath: (path) => realpathSync(path),
};

function refused(name: string, message: string): OboError {
  return new OboError("secret_location_refused", `downstream ${name}: ${message}`);
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/** Reads the file a policy names (absolute, or relative to `secretDir`), only when it (and the target of its links) lies inside `secretDir`. */
function readAllowedFile(name: string, file: string, opts: OboCredentialOptions, source: SecretSource): string {
  if (!opts.secretDir)
    throw refused(name, `the policy names file ${file}, but this server allows no secret files (set secretDir)`);
  const dir = resolve(opts.secretDir);
  const path = resolve(dir, file);
  if (!isInside(dir, path)) throw refused(name, `file ${file} is not inside the allowed secret directory ${dir}`);
  const real = source.realpath ?? ((p: string) => p);
  let realPath: string;
  let realDir: string;
  try {
    realDir = real(dir);
    realPath = real(path);
  } catch {
    return ""; // missing: reported as missing below
  }
  if (!isInside(realDir, realPath))
    throw refused(name, `file ${file} links outside the allowed secret directory ${dir}`);
  try {
    return source.readFile(realPath).trim();
  } catch {
    return "";
  }
}

/**
 * The {@link OboClientCredentials} of a published downstream, its secret read from `secretFrom`. Throws an
 * `OboError` naming the downstream and the variable or file, never the secret: `secret_location_refused` when the
 * policy names a variable without the allowed prefix or a file outside the allowed directory, `exchange_rejected`
 * when it is missing. For `private_key_jwt` the secret is a PEM private key (RS256, or ES256 for an EC key) and
 * every exchange gets a fresh RFC 7523 assertion (60 s, unique `jti`, audience = the token endpoint).
 *
 * @example
 * const obo = createOboClient({ policy: () => config.policy(), credentials: (d) => oboCredentialsFromPolicy(d, { secretDir: "/run/secrets/obo" }), sink });
 */
export function oboCredentialsFromPolicy(
  downstream: OboDownstreamConfig,
  opts: OboCredentialOptions = {},
): OboClientCredentials {
  const { name, clientId, secretFrom } = downstream;
  const source = opts.source ?? defaultSource;
  if (!clientId) throw new OboError("exchange_rejected", `downstream ${name} has no clientId in the policy`);
  if (!secretFrom) throw new OboError("exchange_rejected", `downstream ${name} does not say where its secret is`);
  let secret: string | undefined;
  let where: string;
  if ("env" in secretFrom) {
    const prefix = opts.envPrefix ?? DEFAULT_OBO_ENV_PREFIX;
    where = `environment variable ${secretFrom.env}`;
    if (!secretFrom.env.startsWith(prefix))
      throw refused(name, `the ${where} does not start with ${prefix} (the only prefix this server allows)`);
    secret = source.env[secretFrom.env];
  } else {
    where = `file ${secretFrom.file}`;
    secret = readAllowedFile(name, secretFrom.file, opts, source);
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
