import { describe, expect, it } from "vitest";
import { EnforcerError } from "../errors.js";
import { b64url, createTestKey, signJws } from "../test-utils/keys.js";
import { createJwsReader, DIRECT_BUFFER_OPS, ownJws } from "./jws-scratch.js";
import { parseCompactJws, verifyJwsSignature } from "./jws-verify.js";

const ALGS = ["RS256"] as const;
const header = b64url({ alg: "RS256", kid: "k" });
const payload = b64url({ sub: "x", note: "caf\u00e9 \u2713" });
const sig = b64url(Buffer.alloc(256, 7));

/** What a call threw: the reason code and message, or "ok". */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return "ok";
  } catch (err) {
    if (err instanceof EnforcerError) return `${err.code}: ${err.message}`;
    throw err;
  }
}

it("uses Node's per-encoding Buffer methods on Node (the path the validator takes)", () => {
  expect(DIRECT_BUFFER_OPS).toBe(true);
});

// Both ways of reading: Node's per-encoding methods, and the documented calls other runtimes get.
describe.each([
  ["Node's per-encoding Buffer methods", true],
  ["the documented write/toString fallback", false],
] as const)("createJwsReader (%s)", (_how, direct) => {
  // Every token: the reader must give exactly parseCompactJws's outcome (code and message), so the
  // validator's answers do not depend on which of the two read the token.
  const tokens: [string, string][] = [
    ["well-formed", `${header}.${payload}.${sig}`],
    ["two segments", `${header}.${payload}`],
    ["four segments", `${header}.${payload}.${sig}.x`],
    ["empty header", `.${payload}.${sig}`],
    ["header not JSON", `${b64url("nope")}.${payload}.${sig}`],
    ["alg none", `${b64url({ alg: "none" })}.${payload}.`],
    ["alg HS256", `${b64url({ alg: "HS256" })}.${payload}.${sig}`],
    ["crit", `${b64url({ alg: "RS256", crit: ["exp"], exp: 1 })}.${payload}.${sig}`],
    ["payload with padding", `${header}.${payload}=.${sig}`],
    ["payload in the standard alphabet", `${header}.${payload.replace(/-/g, "+").replace(/_/g, "/")}+.${sig}`],
    ["payload with whitespace", `${header}.${payload.slice(0, 4)} ${payload.slice(4)}.${sig}`],
    ["payload with impossible length", `${header}.${payload}A.${sig}`],
    ["payload with a non-Latin-1 look-alike", `${header}.${payload.slice(0, 3)}\u0141${payload.slice(4)}.${sig}`],
    ["payload with a Latin-1 character", `${header}.${payload}\u00e9.${sig}`],
    ["signature with non-zero trailing bits", `${header}.${payload}.${sig.slice(0, -1)}x`],
    ["signature with padding", `${header}.${payload}.${sig}==`],
    ["signature with a non-Latin-1 look-alike", `${header}.${payload}.\u0141${sig.slice(1)}`],
    ["empty signature", `${header}.${payload}.`],
    ["empty payload", `${header}..${sig}`],
    ["oversized", `${header}.${"A".repeat(8192)}.${sig}`],
    ["empty string", ""],
  ];

  it.each(tokens)("answers %s as parseCompactJws does", (_, token) => {
    const reader = createJwsReader(8192, direct);
    const expected = outcome(() => parseCompactJws(token, { maxBytes: 8192, algorithms: ALGS }));
    expect(outcome(() => reader.read(token, ALGS))).toBe(expected);
  });

  it("agrees with parseCompactJws's canonical base64url rule on every short segment over the tricky characters", () => {
    // The reader checks canonical form without re-encoding (counts, alphabet, trailing bits); the parser
    // decodes, re-encodes and compares. Every string of up to 4 characters over this alphabet (padding,
    // the standard alphabet, whitespace, Latin-1 and non-Latin-1 characters whose low byte is a base64url
    // letter, letters with and without trailing bits), as the payload and as the signature.
    const alphabet = ["A", "B", "Q", "g", "w", "_", "-", "+", "/", "=", " ", "\u00e9", "\u0141", "\u0130", "."];
    const reader = createJwsReader(8192, direct);
    let compared = 0;
    const segments: string[] = [""];
    for (let len = 1; len <= 4; len++) {
      for (const prefix of segments.filter((s) => [...s].length === len - 1)) {
        for (const c of alphabet) segments.push(prefix + c);
      }
    }
    for (const segment of segments) {
      for (const token of [`${header}.${segment}.${sig}`, `${header}.${payload}.${sig.slice(0, 4)}${segment}`]) {
        const expected = outcome(() => parseCompactJws(token, { maxBytes: 8192, algorithms: ALGS }));
        expect(
          outcome(() => reader.read(token, ALGS)),
          JSON.stringify(token.slice(header.length)),
        ).toBe(expected);
        compared++;
      }
    }
    expect(compared).toBe(2 * (1 + 15 + 15 ** 2 + 15 ** 3 + 15 ** 4));
  });

  it("decodes the same bytes as parseCompactJws", () => {
    const token = `${header}.${payload}.${sig}`;
    const jws = createJwsReader(8192, direct).read(token, ALGS);
    const parsed = parseCompactJws(token, { maxBytes: 8192, algorithms: ALGS });
    expect(jws.payloadText).toBe(parsed.payload.toString("utf8"));
    expect(Buffer.compare(jws.signingInput, parsed.signingInput)).toBe(0);
    expect(Buffer.compare(jws.signature, parsed.signature)).toBe(0);
    expect(jws.header).toEqual(parsed.header);
  });

  it("reuses its buffer: a read's views change with the next read, its copy and payload text do not", () => {
    const key = createTestKey("RS256");
    const a = signJws({ alg: "RS256", kid: key.kid }, { sub: "alice" }, key.privateKey);
    const b = signJws({ alg: "RS256", kid: key.kid }, { sub: "bob" }, key.privateKey);
    const reader = createJwsReader(8192, direct);
    const first = reader.read(a, ALGS);
    const owned = ownJws(first);
    expect(verifyJwsSignature("RS256", key.publicKey, first.signingInput, first.signature)).toBe(true);
    reader.read(b, ALGS);
    // The views now hold bob's bytes (same lengths): alice's signature no longer matches them...
    expect(verifyJwsSignature("RS256", key.publicKey, first.signingInput, owned.signature)).toBe(false);
    // ...while the copy taken before still verifies, and the text was never shared.
    expect(verifyJwsSignature("RS256", key.publicKey, owned.signingInput, owned.signature)).toBe(true);
    expect(JSON.parse(first.payloadText)).toEqual({ sub: "alice" });
  });

  it("fits the largest token it accepts", () => {
    const big = b64url({ sub: "x", pad: "p".repeat(5000) });
    const bigSig = b64url(Buffer.alloc(512, 3));
    const token = `${header}.${big}.${bigSig}`;
    const reader = createJwsReader(token.length, direct);
    const jws = reader.read(token, ALGS);
    expect(JSON.parse(jws.payloadText).pad).toHaveLength(5000);
    expect(jws.signature).toHaveLength(512);
    expect(outcome(() => reader.read(`${token}A`, ALGS))).toMatch(/^token_too_large/);
  });
});
