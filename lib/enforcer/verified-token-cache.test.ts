import { describe, expect, it } from "vitest";
import type { ValidatedToken } from "./types.js";
import { createVerifiedTokenCache } from "./verified-token-cache.js";

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
});
