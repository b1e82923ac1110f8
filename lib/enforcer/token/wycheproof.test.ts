/**
 * The verification core over Project Wycheproof's JWS vectors (C2SP/wycheproof, Apache-2.0, copied
 * into testdata/wycheproof with its LICENSE). Every `invalid` vector must be rejected; every `valid`
 * vector of an asymmetric algorithm must be accepted, except the documented deviations below; HMAC
 * vectors must be rejected before any key is used (HMAC is never allowed for IdP tokens).
 */
import { readFileSync } from "node:fs";
import { compactVerify, importJWK } from "jose";
import { describe, expect, it } from "vitest";
import { EnforcerError, ReasonCode } from "../errors.js";
import { AsymmetricAlg } from "../policy.js";
import { importVerificationKey } from "./jwk-import.js";
import { verifyCompactJws } from "./jws-verify.js";

interface Vector {
  tcId: number;
  comment: string;
  jws: string;
  result: "valid" | "invalid";
}
interface Group {
  comment: string;
  public?: Record<string, unknown>;
  private?: Record<string, unknown>;
  tests: Vector[];
}

const file = JSON.parse(
  readFileSync(new URL("./testdata/wycheproof/json_web_signature_test.json", import.meta.url), "utf8"),
) as { numberOfTests: number; testGroups: Group[] };

const ALL_ASYMMETRIC = AsymmetricAlg.options;

/**
 * RFC 7520 figures 20 and 27 are signed with PS384 / ES512 by a key whose JWK declares `alg: PS256` /
 * `alg: ES521`. Wycheproof counts them valid, yet also counts ps512 "UsingPS256" (a PS256 signature
 * by a key declaring PS512) invalid: both cannot hold. We follow RFC 7517 §4.4 and RFC 8725 §3.1
 * (a key is used only with the algorithm it declares), as jose's JWKS key selection does, and
 * assert these four are rejected for that exact reason.
 */
const DECLARED_ALG_DEVIATIONS = new Set([346, 347, 350, 351]);

function run(token: string, jwk: Record<string, unknown>): { ok: true } | { ok: false; code: string } {
  const key = importVerificationKey(jwk);
  try {
    verifyCompactJws(token, key ? [key] : [], { maxBytes: 8192, algorithms: ALL_ASYMMETRIC });
    return { ok: true };
  } catch (err) {
    if (!(err instanceof EnforcerError)) throw err;
    return { ok: false, code: err.code };
  }
}

describe("Wycheproof JWS vectors", () => {
  const counts = { validAccepted: 0, invalidRejected: 0, hmacRejected: 0, deviations: 0 };
  const groups = file.testGroups;

  it("holds every vector", () => {
    expect(groups.reduce((n, g) => n + g.tests.length, 0)).toBe(file.numberOfTests);
  });

  for (const group of groups) {
    const jwk = group.public ?? group.private ?? {};
    const hmac = jwk.kty === "oct";
    describe(`${group.comment} (${String(jwk.kty)} ${String(jwk.alg ?? "")})`, () => {
      for (const v of group.tests) {
        it(`tc${v.tcId} ${v.result} ${v.comment}`, () => {
          const outcome = run(v.jws, jwk);
          if (hmac) {
            expect(outcome.ok).toBe(false);
            // Refused on the header's alg; only vectors whose header is itself not decodable fail earlier.
            if (!outcome.ok) expect([ReasonCode.AlgNotAllowed, ReasonCode.TokenMalformed]).toContain(outcome.code);
            counts.hmacRejected++;
          } else if (v.result === "invalid") {
            expect(outcome.ok).toBe(false);
            counts.invalidRejected++;
          } else if (DECLARED_ALG_DEVIATIONS.has(v.tcId)) {
            expect(outcome).toEqual({ ok: false, code: ReasonCode.AlgNotAllowed });
            counts.deviations++;
          } else {
            expect(outcome).toEqual({ ok: true });
            counts.validAccepted++;
          }
        });
      }
    });
  }

  it("agrees with jose on every asymmetric valid vector it accepts", async () => {
    for (const group of groups) {
      const jwk = group.public;
      if (!jwk || jwk.kty === "oct") continue;
      for (const v of group.tests.filter((t) => t.result === "valid" && !DECLARED_ALG_DEVIATIONS.has(t.tcId))) {
        const header = JSON.parse(Buffer.from(v.jws.split(".")[0] ?? "", "base64url").toString()) as { alg: string };
        const key = await importJWK({ ...jwk, alg: header.alg }, header.alg);
        await expect(compactVerify(v.jws, key)).resolves.toBeDefined();
      }
    }
  });

  it("prints the counts", () => {
    const total = counts.validAccepted + counts.invalidRejected + counts.hmacRejected + counts.deviations;
    console.log(
      `wycheproof: ${total}/${file.numberOfTests} vectors — valid accepted ${counts.validAccepted}, invalid rejected ${counts.invalidRejected}, HMAC rejected ${counts.hmacRejected}, declared-alg deviations rejected ${counts.deviations}`,
    );
    expect(total).toBe(file.numberOfTests);
  });
});
