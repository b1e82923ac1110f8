import { z } from "zod";

/**
 * Validation messages in the admin's words (issue 13 #11). zod's own texts ("Too small: expected
 * number to be >=0", "Invalid input: expected int, received number", "Invalid key in record") never
 * reach a screen: `z.config` installs this map for every schema without its own message (a schema's
 * own message always wins), and `adminMessage` rewrites any raw text that slipped through (an issue
 * made before the map was installed, or by another zod instance) where errors become field errors.
 */
type Issue = z.core.$ZodRawIssue | z.core.$ZodIssue;

const plural = (n: number | bigint, one: string, many = `${one}s`) => `${n} ${Number(n) === 1 ? one : many}`;
const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

function sizeMessage(iss: Issue & { code: "too_small" | "too_big" }): string {
  const small = iss.code === "too_small";
  const bound = small ? (iss as { minimum: number | bigint }).minimum : (iss as { maximum: number | bigint }).maximum;
  const inclusive = (iss as { inclusive?: boolean }).inclusive !== false;
  switch (iss.origin) {
    case "string":
      if (small && Number(bound) === 1) return "Required.";
      return small ? `Enter at least ${plural(bound, "character")}.` : `Enter at most ${plural(bound, "character")}.`;
    case "array":
    case "set":
      if (small && Number(bound) === 1) return "Add at least one.";
      return small ? `Add at least ${bound}.` : `At most ${bound} allowed.`;
    case "date":
      return small ? "Choose a later date." : "Choose an earlier date.";
    default:
      if (small) return inclusive ? `Enter ${bound} or more.` : `Enter more than ${bound}.`;
      return inclusive ? `Enter ${bound} or less.` : `Enter less than ${bound}.`;
  }
}

const FORMAT: Record<string, string> = {
  email: "Enter an email address such as name@example.com.",
  url: "Enter a URL such as https://example.com.",
  uuid: "Enter an id such as 00000000-1111-4222-8333-444444444444.",
  guid: "Enter an id such as 00000000-1111-4222-8333-444444444444.",
  date: "Enter a date as YYYY-MM-DD.",
  datetime: "Enter a date and time such as 2026-01-31T12:00:00Z.",
  regex: "Use only the characters this field allows.",
  starts_with: "This value does not start as expected.",
  ends_with: "This value does not end as expected.",
  includes: "This value is missing a required part.",
};

/** The admin-facing text for one issue, or undefined to keep a schema's own message. */
export function adminIssueMessage(iss: Issue): string | undefined {
  const input = (iss as { input?: unknown }).input;
  switch (iss.code) {
    case "invalid_type": {
      const expected = (iss as { expected?: string }).expected;
      if ("input" in iss && isBlank(input)) return "Required.";
      if (expected === "int") return "Enter a whole number.";
      if (expected === "number" || expected === "bigint") return "Enter a number.";
      if (expected === "boolean") return "Choose yes or no.";
      if (expected === "string") return "Enter text.";
      if (expected === "array") return "Enter a list.";
      return "This value has the wrong type.";
    }
    case "too_small":
    case "too_big":
      return sizeMessage(iss as Issue & { code: "too_small" | "too_big" });
    case "invalid_format":
      return FORMAT[(iss as { format?: string }).format ?? ""] ?? "This value is not in the expected format.";
    case "invalid_value": {
      const values = ((iss as { values?: unknown[] }).values ?? []).map(String);
      return values.length === 1 ? `Must be ${values[0]}.` : `Choose one of: ${values.join(", ")}.`;
    }
    case "invalid_key": {
      // A record's key failed its schema: say what the key should be (its schema's own message), and which key.
      const inner = (iss as { issues?: { message?: string }[] }).issues?.[0]?.message;
      const key = typeof input === "string" ? `“${input.slice(0, 60)}”: ` : "";
      return `${key}${inner && !isRawZodMessage(inner) ? inner : "not a valid name here."}`;
    }
    case "invalid_element":
      return "One of the entries is not valid.";
    case "unrecognized_keys": {
      const keys = (iss as { keys?: string[] }).keys ?? [];
      return `Unknown field${keys.length === 1 ? "" : "s"}: ${keys.join(", ")}.`;
    }
    case "invalid_union":
      return "This value is not one of the accepted forms.";
    case "not_multiple_of":
      return `Enter a multiple of ${String((iss as { divisor?: number }).divisor)}.`;
    case "custom":
      return "This value is not valid.";
    default:
      return undefined;
  }
}

// zod 4's English defaults (zod/v4/locales/en): "Too small: …", "Too big: …", "Invalid input…",
// "Invalid key in record", "Invalid value in …", "Invalid option: …", "Invalid string: …", "Invalid number: …",
// "Invalid discriminator value…", "Invalid <format>" (email address, URL, ISO date, UUID, …), "Unrecognized key(s): …".
const RAW =
  /^(Too (small|big)\b|Invalid (input|option|string|number|discriminator)\b|Invalid (key|value|element) in\b|Invalid (email address|URL|UUID\w*|GUID|ISO \w+|IPv[46] (address|range)|base64\S*|JSON string|emoji|nanoid|cuid2?|ULID|XID|KSUID|E\.164 number|MAC address|JWT)$|Unrecognized keys?:)/;
/^(Too (small|big):|Invalid( [a-zA-Z]+( [a-z]+)*)?(:|$| in | address$)|Invalid (URL|UUID|GUID|ISO|email|base64|hex|JWT|IPv4|IPv6|CIDR)|Unrecognized keys?\b)/;

/** True for zod's own default texts (any locale-less English default), which must not reach the UI. */
export function isRawZodMessage(message: string): boolean {
  return RAW.test(message);
}

/** A finished issue's message as the UI shows it: the schema's own words, or ours for zod's defaults. */
export function adminMessage(issue: z.core.$ZodIssue): string {
  if (!isRawZodMessage(issue.message)) return issue.message;
  return adminIssueMessage(issue) ?? "This value is not valid.";
}

z.config({ customError: (iss) => adminIssueMessage(iss) });

/** Issues as field errors keyed by dotted path (`rateLimits.toolInvocationsPerMin`), in the admin's words. */
export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "_";
    out[key] = [...(out[key] ?? []), adminMessage(issue)];
  }
  return out;
}
