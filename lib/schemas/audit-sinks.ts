import { z } from "zod";

/**
 * Audit streaming sinks (issue 14): where the audit trail (and optionally enforcer denials) is
 * shipped. One schema per input, shared by the settings form and /api/v1/audit-sinks.
 */
export const SINK_KINDS = ["webhook", "syslog", "splunk_hec"] as const;
export type SinkKind = (typeof SINK_KINDS)[number];
export const SINK_KIND_LABEL: Record<SinkKind, string> = {
  webhook: "HTTPS webhook (JSON Lines, signed)",
  syslog: "Syslog over TCP/TLS (RFC 5424)",
  splunk_hec: "Splunk HTTP Event Collector",
};

const Name = z.string().trim().min(1, "Enter a name.").max(100, "At most 100 characters.");
const Url = z.string().trim().min(1, "Enter the URL.").max(2000, "At most 2000 characters.");
// A host name or an IP literal: letters, digits, dots, dashes, colons (IPv6), no scheme, no port.
const Host = z
  .string()
  .trim()
  .min(1, "Enter the host.")
  .max(253, "At most 253 characters.")
  .regex(/^[A-Za-z0-9.\-:[\]]+$/, "A host name or IP address, without scheme or port.");
const Port = z.coerce
  .number({ error: "Enter a port number." })
  .int("Enter a whole number.")
  .min(1, "Ports are 1-65535.")
  .max(65535, "Ports are 1-65535.");
const CaCert = z
  .string()
  .trim()
  .max(20_000, "At most 20,000 characters.")
  .refine((v) => v === "" || /-----BEGIN CERTIFICATE-----/.test(v), "Paste a PEM certificate (BEGIN CERTIFICATE).");
const HecToken = z
  .string()
  .trim()
  .min(1, "Enter the HEC token.")
  .max(200, "At most 200 characters.")
  .regex(/^[A-Za-z0-9._-]+$/, "Letters, digits, dots, dashes and underscores only.");
const Index = z
  .string()
  .trim()
  .max(80, "At most 80 characters.")
  .regex(/^[A-Za-z0-9_-]*$/, "Letters, digits, dashes and underscores only.");

const Common = {
  name: Name,
  includeDenials: z.boolean().default(false),
  enabled: z.boolean().default(true),
};

export const AuditSinkCreate = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("webhook"), url: Url, ...Common }).strict(),
    z
      .object({
        kind: z.literal("syslog"),
        host: Host,
        port: Port,
        tls: z.boolean().default(true),
        caCert: CaCert.default(""),
        ...Common,
      })
      .strict(),
    z
      .object({ kind: z.literal("splunk_hec"), url: Url, token: HecToken, index: Index.default(""), ...Common })
      .strict(),
  ],
  { error: "Pick webhook, syslog or splunk_hec." },
);
export type AuditSinkCreate = z.infer<typeof AuditSinkCreate>;

/** Every field optional; the ones that do not fit the sink's kind are refused by the server. */
export const AuditSinkUpdate = z
  .object({
    name: Name.optional(),
    includeDenials: z.boolean().optional(),
    enabled: z.boolean().optional(),
    url: Url.optional(),
    host: Host.optional(),
    port: Port.optional(),
    tls: z.boolean().optional(),
    caCert: CaCert.optional(),
    token: HecToken.optional(),
    index: Index.optional(),
  })
  .strict();
export type AuditSinkUpdate = z.infer<typeof AuditSinkUpdate>;
