import "server-only";
import { z } from "zod";
import { DebugTokenInput } from "@/lib/schemas/debug";
import { EventFilter, OverviewQuery } from "@/lib/schemas/telemetry";
import { SigningKey } from "../dto";
import { defineFamily, op } from "../registry";

const Event = z.looseObject({
  id: z.number().int(),
  at: z.string(),
  resourceId: z.string(),
  type: z.string(),
  outcome: z.string(),
  reason: z.string(),
  clientId: z.string(),
  latencyMs: z.number().nullable(),
});

export const telemetryFamily = defineFamily(
  "Telemetry and debugging",
  "Enforcer events, the Overview data, the token debugger and the config signing keys.",
  [
    op({
      method: "get",
      path: "/api/v1/events",
      summary: "Raw telemetry events, newest first",
      permission: "telemetry.read",
      query: EventFilter,
      responses: {
        200: {
          description: "A page of events",
          schema: z.object({ events: z.array(Event), nextCursor: z.number().int().nullable() }),
        },
      },
    }),
    op({
      method: "get",
      path: "/api/v1/events/export",
      summary: "The filtered events as CSV (at most 100,000 rows)",
      permission: "telemetry.read",
      query: EventFilter,
      responses: { 200: { description: "CSV", contentType: "text/csv" } },
    }),
    op({
      method: "get",
      path: "/api/v1/telemetry/overview",
      summary: "Overview dashboard data (KPIs and charts, from rollups)",
      permission: "telemetry.read",
      query: OverviewQuery,
      responses: {
        200: {
          description: "KPIs and series",
          schema: z.looseObject({
            range: z.string(),
            from: z.string(),
            to: z.string(),
            kpis: z.looseObject({ requests: z.number(), allowed: z.number(), denied: z.number() }),
          }),
        },
      },
    }),
    op({
      method: "post",
      path: "/api/v1/debug/token",
      summary: "Token debugger: the enforcer's checks, step by step (the token is never stored)",
      permission: "resources.read",
      body: DebugTokenInput,
      responses: {
        200: {
          description: "Steps and the enforcer's verdict",
          schema: z.looseObject({
            steps: z.array(z.looseObject({})),
            verdict: z.object({ allowed: z.boolean(), code: z.string().nullable(), message: z.string() }),
          }),
        },
      },
    }),
    op({
      method: "get",
      path: "/api/v1/config/signing-keys",
      summary: "Config signing keys (metadata only)",
      permission: "resources.read",
      responses: { 200: { description: "Keys", schema: z.object({ keys: z.array(SigningKey) }) } },
    }),
    op({
      method: "post",
      path: "/api/v1/config/signing-keys/rotate",
      summary: "Rotate the config signing key (the old one stays in the JWKS for 30 days)",
      permission: "config.publish",
      responses: { 201: { description: "The new key", schema: z.object({ key: SigningKey }) } },
    }),
  ],
);
