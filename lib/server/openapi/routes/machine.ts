import "server-only";
import { z } from "zod";
import { HeartbeatInput } from "@/lib/schemas/enforcers";
import { TelemetryEnvelope } from "../../telemetry/wire";
import { defineFamily, op } from "../registry";

/** Routes for machines other than admin automation: enforcers (their own credential) and this document. */
export const machineFamily = defineFamily(
  "Enforcers",
  "Called by enforcers with their resource's enforcer credential (Authorization: Bearer pcl_<prefix>_<secret>). API tokens are refused here.",
  [
    op({
      method: "get",
      path: "/api/v1/enforcer/config",
      summary: "The resource's signed config bundle (long-poll with If-None-Match)",
      permission: "enforcer",
      responses: {
        200: { description: "A compact JWS (ES256) of the bundle, with ETag", contentType: "application/jose" },
        304: { description: "No newer version within the wait" },
      },
    }),
    op({
      method: "post",
      path: "/api/v1/enforcer/heartbeat",
      summary: "Enforcer heartbeat",
      permission: "enforcer",
      body: HeartbeatInput,
      responses: {
        200: {
          description: "Acknowledged",
          schema: z.object({ ok: z.literal(true), latestVersion: z.number().int().nullable() }),
        },
      },
    }),
    op({
      method: "post",
      path: "/api/v1/telemetry",
      summary: "Telemetry intake: a batch of at most 1,000 events (gzip or plain JSON, Idempotency-Key)",
      permission: "enforcer",
      body: TelemetryEnvelope,
      responses: { 200: { description: "Stored", schema: z.looseObject({}) } },
    }),
    op({
      method: "get",
      path: "/api/v1/openapi.json",
      summary: "This document (OpenAPI 3.1), public",
      permission: "public",
      responses: { 200: { description: "The OpenAPI document", schema: z.looseObject({ openapi: z.string() }) } },
    }),
  ],
);
