import { compactVerify } from "jose";
import { describe, expect, it } from "vitest";
import { EnforcerError, ReasonCode } from "../errors.js";
import type { AsymmetricAlg } from "../policy.js";
import { b64url, createTestKey, signJws } from "../test-utils/keys.js";
import { importVerificationKey } from "./jwk-import.js";
import { decodeBase64Url, parseCompactJws, verifyCompactJws, verifyJwsSignature } from "./jws-verify.js";

const ALL: AsymmetricAlg[] = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof EnforcerError) return err.code;
    throw err;
  }
}

describe("decodeBase64Url", () => {
  it.each([
    ["Zm9v", "foo"],
    ["Zm9vYg", "foob"],
    ["Zm9vYmE", "fooba"],
    ["", ""],
    ["-_8", "\u00fb\u00ff"],
  ])("decodes %s", (input, expected) => {
    expect(decodeBase64Url(input).toString("latin1")).toBe(expected);
  });

  it.each([
    ["padding", "Zm9vYg=="],
    ["standard alphabet +", "ab+c"],
    ["standard alphabet /", "ab/c"],
    ["whitespace", "Zm9v Yg"],
    ["impossible length", "Zm9vY"],
    ["non-canonical trailing bits (2 chars)", "Zm9vYh"],
    ["non-canonical trailing bits (3 chars)", "Zm9vYmF"],
    ["non-ASCII", "Zm9v\u00e9"],
  ])("rejects %s", (_, input) => {
    expect(codeOf(() => decodeBase64Url(input))).toBe(ReasonCode.TokenMalformed);
  });
});

describe("parseCompactJws", () => {
  const opts = { maxBytes: 8192, algorithms: ["RS256"] as const };
  const header = b64url({ alg: "RS256", kid: "k" });
  const payload = b64url({ sub: "x" });
  const sig = b64url(Buffer.alloc(256, 1));

  it("splits a well-formed token", () => {
    const jws = parseCompactJws(`${header}.${payload}.${sig}`, opts);
    expect(jws.header).toEqual({ alg: "RS256", kid: "k" });
    expect(jws.payload.toString()).toBe('{"sub":"x"}');
    expect(jws.signingInput.toString()).toBe(`${header}.${payload}`);
    expect(jws.signature.length).toBe(256);
  });

  it("reads each token's own header after another token's (the last-header shortcut compares the whole text)", () => {
    // Same length as `header`, other content; then a header that extends it; then the first again.
    const other = b64url({ alg: "RS256", kid: "j" });
    const longer = b64url({ alg: "RS256", kid: "kk" });
    expect(other).toHaveLength(header.length);
    for (const [h, kid] of [
      [header, "k"],
      [other, "j"],
      [longer, "kk"],
      [header, "k"],
    ] as const) {
      expect(parseCompactJws(`${h}.${payload}.${sig}`, opts).header.kid).toBe(kid);
    }
    // A header that starts with the last one's text is a different header (here not even JSON).
    expect(codeOf(() => parseCompactJws(`${header}QQ.${payload}.${sig}`, opts))).toBe(ReasonCode.TokenMalformed);
    // A cached header still meets the caller's own allowlist, and an empty header still fails.
    expect(codeOf(() => parseCompactJws(`${header}.${payload}.${sig}`, { ...opts, algorithms: ["ES256"] }))).toBe(
      ReasonCode.AlgNotAllowed,
    );
    expect(codeOf(() => parseCompactJws(`.${payload}.${sig}`, opts))).toBe(ReasonCode.TokenMalformed);
  });

  it.each([
    ["two segments", `${header}.${payload}`, ReasonCode.TokenMalformed],
    ["four segments", `${header}.${payload}.${sig}.x`, ReasonCode.TokenMalformed],
    ["JWE-like five segments", `${header}.a.b.c.d`, ReasonCode.TokenMalformed],
    ["empty header", `.${payload}.${sig}`, ReasonCode.TokenMalformed],
    ["header not JSON", `${b64url("nope")}.${payload}.${sig}`, ReasonCode.TokenMalformed],
    ["header a JSON array", `${b64url([1])}.${payload}.${sig}`, ReasonCode.TokenMalformed],
    ["header without alg", `${b64url({ kid: "k" })}.${payload}.${sig}`, ReasonCode.TokenMalformed],
    ["alg none", `${b64url({ alg: "none" })}.${payload}.`, ReasonCode.AlgNotAllowed],
    ["alg NONE", `${b64url({ alg: "NONE" })}.${payload}.`, ReasonCode.AlgNotAllowed],
    ["alg HS256", `${b64url({ alg: "HS256" })}.${payload}.${sig}`, ReasonCode.AlgNotAllowed],
    ["alg not in allowlist", `${b64url({ alg: "ES256" })}.${payload}.${sig}`, ReasonCode.AlgNotAllowed],
    ["crit", `${b64url({ alg: "RS256", crit: ["exp"], exp: 1 })}.${payload}.${sig}`, ReasonCode.TokenMalformed],
    ["b64 false", `${b64url({ alg: "RS256", b64: false })}.${payload}.${sig}`, ReasonCode.TokenMalformed],
    ["numeric kid", `${b64url({ alg: "RS256", kid: 1 })}.${payload}.${sig}`, ReasonCode.TokenMalformed],
    ["payload with padding", `${header}.${payload}=.${sig}`, ReasonCode.TokenMalformed],
    ["empty signature", `${header}.${payload}.`, ReasonCode.SignatureInvalid],
    ["empty string", "", ReasonCode.TokenMalformed],
  ])("rejects %s", (_, token, code) => {
    expect(codeOf(() => parseCompactJws(token, opts))).toBe(code);
  });

  it("refuses an oversized token before parsing it", () => {
    expect(codeOf(() => parseCompactJws("x".repeat(8193), opts))).toBe(ReasonCode.TokenTooLarge);
  });

  it("parses a repeated header once but hands every caller its own copy", () => {
    const h = b64url({ alg: "RS256", kid: "copy-test", typ: "JWT" });
    const first = parseCompactJws(`${h}.${payload}.${sig}`, opts);
    first.header.kid = "changed by a caller";
    const second = parseCompactJws(`${h}.${b64url({ sub: "y" })}.${sig}`, opts);
    expect(second.header).toEqual({ alg: "RS256", kid: "copy-test", typ: "JWT" });
    expect(second.payload.toString()).toBe('{"sub":"y"}');
  });

  it("applies each caller's algorithm allowlist to a header another caller already accepted", () => {
    const h = b64url({ alg: "RS256", kid: "allowlist-test" });
    expect(codeOf(() => parseCompactJws(`${h}.${payload}.${sig}`, opts))).toBeUndefined();
    const esOnly = { maxBytes: 8192, algorithms: ["ES256"] };
    expect(codeOf(() => parseCompactJws(`${h}.${payload}.${sig}`, esOnly))).toBe(ReasonCode.AlgNotAllowed);
  });

  it("refuses a bad header the same way every time (only accepted headers are remembered)", () => {
    const crit = `${b64url({ alg: "RS256", crit: ["exp"] })}.${payload}.${sig}`;
    expect([codeOf(() => parseCompactJws(crit, opts)), codeOf(() => parseCompactJws(crit, opts))]).toEqual([
      ReasonCode.TokenMalformed,
      ReasonCode.TokenMalformed,
    ]);
    // A non-canonical spelling of an accepted header is a different text: refused, not served from memory.
    const h = b64url({ alg: "RS256", kid: "spelling" });
    expect(codeOf(() => parseCompactJws(`${h}.${payload}.${sig}`, opts))).toBeUndefined();
    expect(codeOf(() => parseCompactJws(`${h}=.${payload}.${sig}`, opts))).toBe(ReasonCode.TokenMalformed);
  });
});

describe("verifyJwsSignature", () => {
  it.each(ALL)("%s: accepts its own signature and agrees with jose", async (alg) => {
    const key = createTestKey(alg, "k1");
    const token = signJws({ alg, kid: "k1" }, { sub: "a" }, key.privateKey);
    const jws = parseCompactJws(token, { maxBytes: 8192, algorithms: [alg] });
    expect(verifyJwsSignature(alg, key.publicKey, jws.signingInput, jws.signature)).toBe(true);
    await expect(compactVerify(token, key.publicKey)).resolves.toBeDefined();
    const tampered = Buffer.from(jws.signature);
    tampered[5] = (tampered[5] ?? 0) ^ 1;
    expect(verifyJwsSignature(alg, key.publicKey, jws.signingInput, tampered)).toBe(false);
    expect(verifyJwsSignature(alg, key.publicKey, Buffer.from("other"), jws.signature)).toBe(false);
  });

  it("rejects ECDSA r = s = 0 (CVE-2022-21449)", () => {
    const key = createTestKey("ES256");
    expect(verifyJwsSignature("ES256", key.publicKey, Buffer.from("a.b"), Buffer.alloc(64))).toBe(false);
  });

  it("rejects ECDSA signatures of the wrong length (DER, padded)", () => {
    const key = createTestKey("ES256", "k");
    const token = signJws({ alg: "ES256", kid: "k" }, { a: 1 }, key.privateKey);
    const jws = parseCompactJws(token, { maxBytes: 8192, algorithms: ["ES256"] });
    expect(
      verifyJwsSignature("ES256", key.publicKey, jws.signingInput, Buffer.concat([jws.signature, Buffer.alloc(1)])),
    ).toBe(false);
  });

  it("rejects an RSA signature with a prepended zero byte", () => {
    const key = createTestKey("RS256", "k");
    const jws = parseCompactJws(signJws({ alg: "RS256", kid: "k" }, { a: 1 }, key.privateKey), {
      maxBytes: 8192,
      algorithms: ["RS256"],
    });
    expect(
      verifyJwsSignature("RS256", key.publicKey, jws.signingInput, Buffer.concat([Buffer.alloc(1), jws.signature])),
    ).toBe(false);
  });

  it("does not verify RS256 as PS256 or with another key type", () => {
    const rsa = createTestKey("RS256", "k");
    const ec = createTestKey("ES256", "e");
    const jws = parseCompactJws(signJws({ alg: "RS256", kid: "k" }, { a: 1 }, rsa.privateKey), {
      maxBytes: 8192,
      algorithms: ["RS256"],
    });
    expect(verifyJwsSignature("PS256", rsa.publicKey, jws.signingInput, jws.signature)).toBe(false);
    expect(verifyJwsSignature("RS256", ec.publicKey, jws.signingInput, jws.signature)).toBe(false);
  });
});

describe("verifyCompactJws", () => {
  it("verifies against an imported key set and reports unknown kids", () => {
    const key = createTestKey("RS256", "k1");
    const imported = importVerificationKey(key.jwk);
    expect(imported).toBeDefined();
    const keys = imported ? [imported] : [];
    const token = signJws({ alg: "RS256", kid: "k1" }, { sub: "a" }, key.privateKey);
    expect(verifyCompactJws(token, keys, { maxBytes: 8192, algorithms: ["RS256"] }).header.kid).toBe("k1");
    const other = signJws({ alg: "RS256", kid: "k2" }, { sub: "a" }, key.privateKey);
    expect(codeOf(() => verifyCompactJws(other, keys, { maxBytes: 8192, algorithms: ["RS256"] }))).toBe(
      ReasonCode.UnknownKid,
    );
    const forged = signJws({ alg: "RS256", kid: "k1" }, { sub: "a" }, createTestKey("RS256").privateKey);
    expect(codeOf(() => verifyCompactJws(forged, keys, { maxBytes: 8192, algorithms: ["RS256"] }))).toBe(
      ReasonCode.SignatureInvalid,
    );
  });
});
