import { KeyObject, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bundleFor, createSigner, signAnnouncement, signBundle } from "../test-utils/config-server.js";
import { testPolicy } from "../test-utils/policy.js";
import { type ConfigRejectionCode, verifyConfigJws, verifyLatestAnnouncement } from "./verify.js";

/**
 * The config bundle's signature check (issue 17: `node:crypto` with the pinned keys imported once, in place of
 * jose importing the key for every bundle). Every refusal keeps its code; a key set changed in place is used as
 * it is now, never as it was when first imported.
 */
const policy = testPolicy("https://idp.test/jwks", { tools: [{ name: "search" }] });

async function codeOf(p: Promise<unknown>): Promise<ConfigRejectionCode | "accepted"> {
  try {
    await p;
    return "accepted";
  } catch (err) {
    return (err as { code: ConfigRejectionCode }).code;
  }
}

const swapSegment = (jws: string, i: number, value: string) => {
  const parts = jws.split(".");
  parts[i] = value;
  return parts.join(".");
};

describe("verifyConfigJws", () => {
  it("accepts a bundle of a pinned key, by kid, and without a kid when one ES256 key is pinned", async () => {
    const signer = await createSigner("cp-1");
    const jwks = { keys: [signer.publicJwk] };
    expect((await verifyConfigJws(await signBundle(signer, bundleFor(3, policy)), jwks)).version).toBe(3);
    const noKid = await signBundle(signer, bundleFor(4, policy), { kid: undefined });
    expect((await verifyConfigJws(noKid, jwks)).version).toBe(4);
    const other = await createSigner("cp-2");
    expect(await codeOf(verifyConfigJws(noKid, { keys: [signer.publicJwk, other.publicJwk] }))).toBe("unknown_key");
  });

  it("refuses every altered or foreign bundle with its code", async () => {
    const signer = await createSigner("cp-1");
    const jwks = { keys: [signer.publicJwk] };
    const good = await signBundle(signer, bundleFor(3, policy));
    const [, , sig = ""] = good.split(".");
    const tampered = swapSegment(
      good,
      1,
      Buffer.from(JSON.stringify(bundleFor(3, testPolicy("https://evil.test/jwks")))).toString("base64url"),
    );
    expect(await codeOf(verifyConfigJws(tampered, jwks))).toBe("bad_signature");
    // The same signature spelled another way (padding, standard alphabet): refused before any crypto.
    expect(await codeOf(verifyConfigJws(`${good}==`, jwks))).toBe("malformed");
    const std = Buffer.from(sig, "base64url").toString("base64").replace(/=+$/, "");
    if (std !== sig) expect(await codeOf(verifyConfigJws(swapSegment(good, 2, std), jwks))).toBe("malformed");
    // Truncated, and r = s = 0 (CVE-2022-21449, "psychic signatures").
    const short = Buffer.from(sig, "base64url").subarray(0, 63).toString("base64url");
    expect(await codeOf(verifyConfigJws(swapSegment(good, 2, short), jwks))).toBe("bad_signature");
    const zeros = Buffer.alloc(64).toString("base64url");
    expect(await codeOf(verifyConfigJws(swapSegment(good, 2, zeros), jwks))).toBe("bad_signature");
    // Another key with the pinned kid; a kid nobody pinned; crit.
    const impostor = await createSigner("cp-1");
    expect(await codeOf(verifyConfigJws(await signBundle(impostor, bundleFor(3, policy)), jwks))).toBe("bad_signature");
    const stranger = await createSigner("cp-9");
    expect(await codeOf(verifyConfigJws(await signBundle(stranger, bundleFor(3, policy)), jwks))).toBe("unknown_key");
    // A header with crit (jose will not sign one): signed here with the same key.
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const input = `${b64({ alg: "ES256", kid: "cp-1", typ: "portcullis-config+jwt", crit: ["exp"], exp: 1 })}.${b64(bundleFor(3, policy))}`;
    const critSig = sign("sha256", Buffer.from(input), {
      key: KeyObject.from(signer.privateKey as CryptoKey),
      dsaEncoding: "ieee-p1363",
    });
    expect(await codeOf(verifyConfigJws(`${input}.${critSig.toString("base64url")}`, jwks))).toBe("malformed");
  });

  it("reads each header as it is, whatever header came before (the kept last header is matched by its exact text)", async () => {
    const signer = await createSigner("cp-1");
    const jwks = { keys: [signer.publicJwk] };
    const good = await signBundle(signer, bundleFor(3, policy));
    const [header = "", payload = "", sig = ""] = good.split(".");
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const decoded = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as Record<string, unknown>;
    // Each refusal right after an accepted bundle (whose header the reader now keeps), then the bundle again.
    const cases: [string, string][] = [
      [`${b64({ ...decoded, alg: "none" })}.${payload}.${sig}`, "unsigned"],
      [`${header}.${payload}.`, "unsigned"],
      [`${b64({ ...decoded, alg: "HS256" })}.${payload}.${sig}`, "alg_not_allowed"],
      [`${b64({ ...decoded, typ: "JWT" })}.${payload}.${sig}`, "wrong_type"],
      [`${b64({ ...decoded, jku: "https://evil.test/jwks" })}.${payload}.${sig}`, "malformed"],
      // The kept header's text with one more character, and its standard-alphabet or padded spelling.
      [`${header}A.${payload}.${sig}`, "malformed"],
      [`${header}=.${payload}.${sig}`, "malformed"],
      [`${header.slice(0, -1)}.${payload}.${sig}`, "malformed"],
      [`.${payload}.${sig}`, "malformed"],
      [`${header}.${payload}.${sig}.x`, "malformed"],
      [`${header}.${payload}`, "malformed"],
    ];
    for (const [jws, code] of cases) {
      expect(await codeOf(verifyConfigJws(good, jwks))).toBe("accepted");
      expect([jws.slice(0, 40), await codeOf(verifyConfigJws(jws, jwks))]).toEqual([jws.slice(0, 40), code]);
    }
    // Bundles and announcements alternate on every apply; each keeps its own header.
    const announcement = await signAnnouncement(signer, "res-1", 3);
    for (let i = 0; i < 3; i++) {
      expect(await codeOf(verifyConfigJws(good, jwks))).toBe("accepted");
      expect((await verifyLatestAnnouncement(announcement, jwks, Date.now())).version).toBe(3);
      expect(await codeOf(verifyLatestAnnouncement(good, jwks, Date.now()))).toBe("unannounced");
      expect(await codeOf(verifyConfigJws(announcement, jwks))).toBe("wrong_type");
    }
  });

  it("refuses a key that is not for signing or names another algorithm", async () => {
    const signer = await createSigner("cp-1");
    const jws = await signBundle(signer, bundleFor(3, policy));
    expect(await codeOf(verifyConfigJws(jws, { keys: [{ ...signer.publicJwk, use: "enc" }] }))).toBe("unknown_key");
    expect(await codeOf(verifyConfigJws(jws, { keys: [{ ...signer.publicJwk, alg: "ES384" }] }))).toBe("unknown_key");
  });

  it("a key set changed in place is checked as it is now (the imported keys are not reused)", async () => {
    const first = await createSigner("cp-1");
    const second = await createSigner("cp-1");
    const jwks = { keys: [first.publicJwk] };
    expect(await codeOf(verifyConfigJws(await signBundle(first, bundleFor(1, policy)), jwks))).toBe("accepted");
    jwks.keys[0] = second.publicJwk;
    expect(await codeOf(verifyConfigJws(await signBundle(first, bundleFor(2, policy)), jwks))).toBe("bad_signature");
    expect(await codeOf(verifyConfigJws(await signBundle(second, bundleFor(3, policy)), jwks))).toBe("accepted");
  });
});

describe("verifyLatestAnnouncement", () => {
  it("accepts a fresh announcement of a pinned key and refuses a forged, foreign or oversized one", async () => {
    const signer = await createSigner("cp-1");
    const jwks = { keys: [signer.publicJwk] };
    const good = await signAnnouncement(signer, "res-1", 7);
    expect(await verifyLatestAnnouncement(good, jwks, Date.now())).toMatchObject({ resourceId: "res-1", version: 7 });
    const forged = swapSegment(
      good,
      1,
      Buffer.from(JSON.stringify({ resourceId: "res-1", version: 1, iat: Math.floor(Date.now() / 1000) })).toString(
        "base64url",
      ),
    );
    expect(await codeOf(verifyLatestAnnouncement(forged, jwks, Date.now()))).toBe("bad_signature");
    const stranger = await signAnnouncement(await createSigner("cp-9"), "res-1", 7);
    expect(await codeOf(verifyLatestAnnouncement(stranger, jwks, Date.now()))).toBe("unknown_key");
    expect(await codeOf(verifyLatestAnnouncement(`${good}${"A".repeat(9000)}`, jwks, Date.now()))).toBe("unannounced");
    expect(await codeOf(verifyLatestAnnouncement(good, jwks, Date.now() + 3_600_000))).toBe("unannounced");
  });
});
