import { describe, expect, it } from "vitest";
import { checkCrossOrigin, mediaTypeEssence } from "./cross-origin";

const ORIGIN = "http://127.0.0.1:3000";
const h = (init: Record<string, string>) => new Headers(init);

describe("checkCrossOrigin (issue 10 §1)", () => {
  it.each([
    ["same origin", "POST", { origin: ORIGIN, "content-type": "application/json" }, true],
    ["fetch metadata only, same-origin", "DELETE", { "sec-fetch-site": "same-origin" }, true],
    ["no browser headers, JSON (automation)", "POST", { "content-type": "application/json" }, true],
    ["no browser headers, no body", "POST", {}, true],
    ["safe method from anywhere", "GET", { origin: "http://127.0.0.1:4000" }, true],
    ["another port", "POST", { origin: "http://127.0.0.1:4000" }, false],
    ["a sibling subdomain", "PATCH", { origin: "http://evil.127.0.0.1.nip.io:3000" }, false],
    ["origin null", "POST", { origin: "null" }, false],
    ["scheme differs", "POST", { origin: "https://127.0.0.1:3000" }, false],
    ["trailing slash is not the origin", "POST", { origin: `${ORIGIN}/` }, false],
    ["same-site, not same-origin", "POST", { "sec-fetch-site": "same-site" }, false],
    ["cross-site", "PUT", { "sec-fetch-site": "cross-site" }, false],
    [
      "origin wins over fetch metadata",
      "POST",
      { origin: "http://127.0.0.1:4000", "sec-fetch-site": "same-origin" },
      false,
    ],
    ["legacy form post, no headers", "POST", { "content-type": "text/plain; application/json" }, false],
    ["legacy urlencoded", "POST", { "content-type": "application/x-www-form-urlencoded" }, false],
  ])("%s", (_label, method, headers, ok) => {
    expect(checkCrossOrigin(method, h(headers), ORIGIN).ok).toBe(ok);
  });

  it("a form media type without browser headers is a 415 (wrong type for a client, refused for an old browser)", () => {
    expect(checkCrossOrigin("POST", h({ "content-type": "text/plain" }), ORIGIN)).toMatchObject({
      ok: false,
      code: "unsupported_media_type",
    });
    expect(checkCrossOrigin("POST", h({ origin: "http://127.0.0.1:4000" }), ORIGIN).code).toBeUndefined();
  });

  it("a bearer-authenticated request (issue 14) skips the check", () => {
    expect(checkCrossOrigin("POST", h({ origin: "http://elsewhere" }), ORIGIN, "bearer").ok).toBe(true);
  });
});

describe("mediaTypeEssence", () => {
  it.each([
    ["application/json", "application/json"],
    ["Application/JSON; charset=utf-8", "application/json"],
    ["text/plain; application/json", "text/plain"],
    ["application/json, text/plain", "application/json, text/plain"],
    ["application/jsonx", "application/jsonx"],
    [null, null],
  ])("%j → %j", (value, essence) => expect(mediaTypeEssence(value)).toBe(essence));
});
