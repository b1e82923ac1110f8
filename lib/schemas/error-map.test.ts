import { describe, expect, it } from "vitest";
import { z } from "zod";
import { adminMessage, isRawZodMessage } from "./error-map";
import { Domain, normalizeDomain } from "./idp-profiles";
import { UpdatePolicyInput } from "./resources";

/** Issue 13 #11: no raw zod text reaches the admin; a schema's own message always wins. */
const messages = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues.map(adminMessage) ?? [];

describe("validation messages in the admin's words", () => {
  it.each([
    [z.number().min(0), -1, "Enter 0 or more."],
    [z.number().max(300), 301, "Enter 300 or less."],
    [z.number().int(), 1.5, "Enter a whole number."],
    [z.coerce.number().int().min(0), "abc", "Enter a number."],
    [z.object({ n: z.number() }), {}, "Required."],
    [z.string().min(1), "", "Required."],
    [z.string().max(128), "x".repeat(129), "Enter at most 128 characters."],
    [z.array(z.string()).min(2), [], "Add at least 2."],
    [z.email(), "x", "Enter an email address such as name@example.com."],
    [z.url(), "x", "Enter a URL such as https://example.com."],
    [z.enum(["deny", "allow"]), "maybe", "Choose one of: deny, allow."],
    [z.strictObject({ a: z.number() }), { a: 1, b: 2 }, "Unknown field: b."],
    [
      z.record(z.string().regex(/^[a-z]+$/, "Lower-case letters only."), z.number()),
      { B: 1 },
      "“B”: Lower-case letters only.",
    ],
    [z.record(z.string().regex(/^[a-z]+$/), z.number()), { B: 1 }, "“B”: Use only the characters this field allows."],
  ])("case %#", (schema, value, expected) => {
    const out = messages(schema as z.ZodType, value);
    expect(out).toEqual([expected]);
    for (const m of out) expect(isRawZodMessage(m)).toBe(false);
  });

  it("keeps a schema's own message", () => {
    expect(messages(z.number().int("Whole seconds.").min(0), 1.5)).toEqual(["Whole seconds."]);
  });

  it("recognises zod's default texts, not ours", () => {
    for (const raw of [
      "Too small: expected number to be >=0",
      "Invalid input: expected int, received number",
      "Invalid key in record",
      'Invalid option: expected one of "a"|"b"',
      "Invalid string: must match pattern /a/",
      "Invalid email address",
      "Invalid URL",
      "Invalid input",
      'Unrecognized key: "b"',
    ])
      expect(isRawZodMessage(raw)).toBe(true);
    for (const ours of ["Enter 0 or more.", "Invalid invocation of the tool", "Required.", "A scope is listed twice."])
      expect(isRawZodMessage(ours)).toBe(false);
  });

  it("the policy form's real errors: a bad method name and a negative rate limit", () => {
    const r = UpdatePolicyInput.safeParse({
      id: "r1",
      scopes: [],
      methods: { "bad name!": { anyOf: [] } },
      rateLimits: { toolInvocationsPerMin: -1 },
    });
    const out = Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join("."), adminMessage(i)]));
    expect(out["methods.bad name!"]).toBe("“bad name!”: A method name such as tools/call.");
    expect(out["rateLimits.toolInvocationsPerMin"]).toBe("Enter 0 or more.");
    for (const m of Object.values(out)) expect(isRawZodMessage(m)).toBe(false);
  });
});

describe("the Okta domain as pasted", () => {
  it("normalises a pasted https://…/ to its host, as the preview shows and the server stores", () => {
    expect(normalizeDomain("  https://Dev-123.okta.com/ ")).toBe("dev-123.okta.com");
    expect(Domain.parse("https://dev-123.okta.com//")).toBe("dev-123.okta.com");
  });
});
