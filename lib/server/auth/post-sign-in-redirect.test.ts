import { describe, expect, it } from "vitest";
import { postSignInRedirect, postSignInRedirectUrl } from "./post-sign-in-redirect";

const BASE = "http://127.0.0.1:3000";

describe("postSignInRedirect (issue 23 §1): kept only when a browser would stay on our origin", () => {
  it.each([
    ["/\\evil.example", "/"],
    ["/\\/evil.example", "/"],
    ["/\t/evil.example", "/"],
    ["//evil.example", "/"],
    ["///evil.example", "/"],
    ["/.//evil.example", "/"],
    ["https:evil.example", "/"],
    ["https://evil.example/", "/"],
    ["http://127.0.0.1:3001/", "/"],
    ["javascript:alert(1)", "/"],
    ["", "/"],
    [undefined, "/"],
    [["/a", "/b"], "/"],
    ["/resources/abc?tab=tools#x", "/resources/abc?tab=tools#x"],
    ["/%5Cevil.example", "/%5Cevil.example"],
    [`${BASE}/audit`, "/audit"],
    ["audit", "/audit"],
  ])("%j → %s", (value, expected) => expect(postSignInRedirect(value, BASE)).toBe(expected));

  it("gives next-auth an absolute URL on our origin", () => {
    expect(postSignInRedirectUrl("/\\evil.example", BASE)).toBe(`${BASE}/`);
    expect(postSignInRedirectUrl("/events?range=1h", BASE)).toBe(`${BASE}/events?range=1h`);
  });
});
