import { describe, expect, it } from "vitest";
import { addressAllowed, formatCidr, parseCidr } from "./cidr";

describe("token CIDRs", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["192.0.2.7", "192.0.2.7/32"],
    ["2001:DB8::/32", "2001:db8::/32"],
    ["::ffff:10.0.0.0/8", "10.0.0.0/8"],
    [" 0.0.0.0/0 ", "0.0.0.0/0"],
  ])("parses %s as %s", (text, canonical) => {
    const c = parseCidr(text);
    expect(c && formatCidr(c)).toBe(canonical);
  });

  it.each([
    "10.0.0.0/33",
    "2001:db8::/129",
    "10.0.0/8",
    "10.0.0.0/",
    "10.0.0.0/8/8",
    "example.com/24",
    "10.0.0.0/-1",
    "",
  ])("refuses %j", (text) => expect(parseCidr(text)).toBeNull());

  it("fails closed without an address; allows everything without a list", () => {
    expect(addressAllowed(null, ["0.0.0.0/0"])).toBe(false);
    expect(addressAllowed(null, [])).toBe(true);
    expect(addressAllowed("10.1.1.1", ["10.0.0.0/8"])).toBe(true);
    expect(addressAllowed("::ffff:10.1.1.1", ["10.0.0.0/8"])).toBe(true);
    expect(addressAllowed("10.1.1.1", ["::/0"])).toBe(false);
    expect(addressAllowed("fe80::1", ["10.0.0.0/8", "fe80::/10"])).toBe(true);
  });
});
