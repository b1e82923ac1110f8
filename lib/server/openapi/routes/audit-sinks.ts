import "server-only";
import { z } from "zod";
import { AuditSinkCreate, AuditSinkUpdate, SINK_KINDS } from "@/lib/schemas/audit-sinks";
import { defineFamily, op } from "../registry";
import { IdParams } from "./common";

/** Audit streaming sinks (lib/server/audit-stream/sinks.ts SinkDto): no URL path, token or secret ever. */
const AuditSink = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(SINK_KINDS),
  target: z.string().describe("Display hint: a URL's origin, or tls://host:port / tcp://host:port"),
  includeDenials: z.boolean(),
  enabled: z.boolean(),
  createdAt: z.string(),
  status: z.object({
    delivered: z.number().int(),
    failures: z.number().int().describe("Failed attempts in a row; 0 after a success"),
    lastDeliveredAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string(),
    pending: z.number().int().describe("Audit events not yet accepted by the receiver"),
    lagSeconds: z.number().int().describe("Age of the oldest undelivered audit event"),
  }),
});
const sink = z.object({ sink: AuditSink });

export const auditSinksFamily = defineFamily(
  "Audit streaming",
  "Sinks that stream the audit trail (and optionally enforcer denials) to a SIEM: signed JSON Lines webhook, RFC 5424 syslog over TCP/TLS, Splunk HEC.",
  [
    op({
      method: "get",
      path: "/api/v1/audit-sinks",
      summary: "List audit sinks with their delivery status",
      permission: "audit.read",
      responses: { 200: { description: "Sinks", schema: z.object({ sinks: z.array(AuditSink) }) } },
    }),
    op({
      method: "post",
      path: "/api/v1/audit-sinks",
      summary: "Create an audit sink (a webhook's signing secret is in this answer only)",
      permission: "audit.stream",
      body: AuditSinkCreate,
      responses: {
        201: {
          description: "Created",
          schema: z.object({ sink: AuditSink, signingSecret: z.string().nullable() }),
        },
      },
    }),
    op({
      method: "get",
      path: "/api/v1/audit-sinks/{id}",
      summary: "Get an audit sink",
      permission: "audit.read",
      params: IdParams,
      responses: { 200: { description: "The sink", schema: sink } },
    }),
    op({
      method: "patch",
      path: "/api/v1/audit-sinks/{id}",
      summary: "Change an audit sink (fields of another kind are refused)",
      permission: "audit.stream",
      params: IdParams,
      body: AuditSinkUpdate,
      responses: { 200: { description: "Changed", schema: sink } },
    }),
    op({
      method: "delete",
      path: "/api/v1/audit-sinks/{id}",
      summary: "Delete an audit sink",
      permission: "audit.stream",
      params: IdParams,
      responses: { 204: { description: "Deleted" } },
    }),
    op({
      method: "post",
      path: "/api/v1/audit-sinks/{id}/test",
      summary: "Send one test event through the sink now",
      permission: "audit.stream",
      params: IdParams,
      responses: {
        200: {
          description: "Whether the receiver accepted it",
          schema: z.object({
            result: z.object({ ok: z.boolean(), eventId: z.string(), error: z.string().nullable() }),
          }),
        },
      },
    }),
  ],
);
