import { describe, expect, it } from "vitest";
import type { ValidatedToken } from "./types.js";
import { createVerifiedTokenCache } from "./verified-cache.js";

const T0 = 1_700_000_000_000;

function result(sub: string, expSec: number): ValidatedToken {
  return {
    claims: { sub, nested: { a: [1] } },
    subject: sub,
    clientId: "c",
    scopes: ["s"],
    roles: [],
    expiresAt: expSec,
  };
}

describe("createVerifiedTokenCache", () => {
  it("returns a stored result until exp, never at or after it", () => {
    const cache = createVerifiedTokenCache(10);
    const exp = T0 / 1000 + 60;
    cache.set("tok", result("a", exp), T0);
    expect(cache.get("tok", T0 + 59_999)?.subject).toBe("a");
    expect(cache.get("tok", exp * 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("does not store an already expired result", () => {
    const cache = createVerifiedTokenCache(10);
    cache.set("tok", result("a", T0 / 1000 - 1), T0);
    expect(cache.size).toBe(0);
  });

  it("evicts the least recently used entry past capacity", () => {
    const cache = createVerifiedTokenCache(2);
    const exp = T0 / 1000 + 600;
    cache.set("a", result("a", exp), T0);
    cache.set("b", result("b", exp), T0);
    cache.get("a", T0);
    cache.set("c", result("c", exp), T0);
    expect(cache.get("b", T0)).toBeUndefined();
    expect(cache.get("a", T0)?.subject).toBe("a");
    expect(cache.get("c", T0)?.subject).toBe("c");
  });

  it("hands out frozen results so one request cannot change what the next sees", () => {
    const cache = createVerifiedTokenCache(2);
    cache.set("a", result("a", T0 / 1000 + 600), T0);
    const hit = cache.get("a", T0);
    expect(Object.isFrozen(hit)).toBe(true);
    expect(Object.isFrozen(hit?.scopes)).toBe(true);
    const nested = hit?.claims.nested as { a: number[] } | undefined;
    expect(Object.isFrozen(nested?.a)).toBe(true);
  });

  it("is disabled with capacity 0 and distinguishes tokens exactly", () => {
    const off = createVerifiedTokenCache(0);
    off.set("a", result("a", T0 / 1000 + 600), T0);
    expect(off.get("a", T0)).toBeUndefined();
    const on = createVerifiedTokenCache(5);
    on.set("a", result("a", T0 / 1000 + 600), T0);
    expect(on.get("a ", T0)).toBeUndefined();
    on.clear();
    expect(on.get("a", T0)).toBeUndefined();
  });

  it("serves only the exact token it stored: another token with the same tail is a miss, then replaces it", () => {
    const cache = createVerifiedTokenCache(10);
    const exp = T0 / 1000 + 600;
    const tail = "S".repeat(32); // the map key is the last 32 characters (the signature's end)
    const stored = `header.payload-of-alice.${tail}`;
    const forged = `header.payload-of-mallory.${tail}`;
    cache.set(stored, result("alice", exp), T0);
    expect(cache.get(forged, T0)).toBeUndefined();
    expect(cache.get(stored.slice(1), T0)).toBeUndefined();
    expect(cache.get(`x${stored}`, T0)).toBeUndefined();
    expect(cache.get(stored, T0)?.subject).toBe("alice");
    // A second valid token sharing the tail takes the slot: a lost hit for the first, never a wrong answer.
    cache.set(forged, result("mallory", exp), T0);
    expect(cache.size).toBe(1);
    expect(cache.get(stored, T0)).toBeUndefined();
    expect(cache.get(forged, T0)?.subject).toBe("mallory");
  });

  it("gives entries hit since the last eviction pass a second chance, and never evicts the entry being added", () => {
    const cache = createVerifiedTokenCache(3);
    const exp = T0 / 1000 + 600;
    for (const t of ["a", "b", "c"]) cache.set(t, result(t, exp), T0);
    cache.get("a", T0);
    cache.get("c", T0);
    cache.set("d", result("d", exp), T0); // b was not used: it goes
    expect(["a", "b", "c", "d"].map((t) => cache.get(t, T0)?.subject)).toEqual(["a", undefined, "c", "d"]);
    // Order is now c, a (moved behind c), d, all marked used by the reads above: one pass clears the marks
    // and the hand, back at c, evicts it; the newcomer is never the victim.
    cache.set("e", result("e", exp), T0);
    expect(cache.size).toBe(3);
    expect(cache.get("e", T0)?.subject).toBe("e");
    expect(["a", "c", "d"].filter((t) => cache.get(t, T0) === undefined)).toEqual(["c"]);
  });

  it("never holds more than its capacity and drops expired entries instead of giving them a second chance", () => {
    const cache = createVerifiedTokenCache(2);
    cache.set("old", result("old", T0 / 1000 + 10), T0);
    cache.get("old", T0);
    cache.set("b", result("b", T0 / 1000 + 600), T0 + 5_000);
    cache.set("c", result("c", T0 / 1000 + 600), T0 + 20_000); // "old" is used but expired by now: evicted
    expect(cache.size).toBe(2);
    expect(cache.get("b", T0 + 20_000)?.subject).toBe("b");
    expect(cache.get("c", T0 + 20_000)?.subject).toBe("c");
  });
});
