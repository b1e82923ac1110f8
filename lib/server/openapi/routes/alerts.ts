import "server-only";
import { z } from "zod";
import {
  AlertAcknowledge,
  AlertChannelCreate,
  AlertChannelUpdate,
  AlertListQuery,
  AlertRuleCreate,
  AlertRuleUpdate,
} from "@/lib/schemas/alerts";
import { Alert, AlertChannel, AlertRule, Delivery } from "../dto";
import { defineFamily, op } from "../registry";
import { IdParams } from "./common";

const rule = z.object({ rule: AlertRule });
const alert = z.object({ alert: Alert });

export const alertsFamily = defineFamily("Alerts", "Alerts, alert rules and notification channels.", [
  op({
    method: "get",
    path: "/api/v1/alerts",
    summary: "List alerts, newest first",
    permission: "alerts.read",
    query: AlertListQuery,
    responses: { 200: { description: "Alerts", schema: z.object({ alerts: z.array(Alert) }) } },
  }),
  op({
    method: "get",
    path: "/api/v1/alerts/{id}",
    summary: "One alert with its delivery log",
    permission: "alerts.read",
    params: IdParams,
    responses: {
      200: { description: "The alert", schema: z.object({ alert: Alert, deliveries: z.array(Delivery) }) },
    },
  }),
  op({
    method: "post",
    path: "/api/v1/alerts/{id}/acknowledge",
    summary: "Acknowledge an alert (stops re-notification)",
    permission: "alerts.write",
    params: IdParams,
    body: AlertAcknowledge,
    responses: { 200: { description: "Acknowledged", schema: alert } },
  }),
  op({
    method: "post",
    path: "/api/v1/alerts/{id}/resolve",
    summary: "Resolve an alert by hand",
    permission: "alerts.write",
    params: IdParams,
    responses: { 200: { description: "Resolved", schema: alert } },
  }),
  op({
    method: "get",
    path: "/api/v1/alerts/prometheus-rules",
    summary: "The enabled rules as a Prometheus rule file",
    permission: "alerts.read",
    responses: { 200: { description: "YAML rule file", contentType: "application/yaml" } },
  }),
  op({
    method: "get",
    path: "/api/v1/alert-rules",
    summary: "List alert rules (fleet-wide and per-resource overrides)",
    permission: "alerts.read",
    responses: { 200: { description: "Rules", schema: z.object({ rules: z.array(AlertRule) }) } },
  }),
  op({
    method: "post",
    path: "/api/v1/alert-rules",
    summary: "Create an alert rule",
    permission: "alerts.write",
    body: AlertRuleCreate,
    responses: { 201: { description: "Created", schema: rule } },
  }),
  op({
    method: "get",
    path: "/api/v1/alert-rules/{id}",
    summary: "Get an alert rule",
    permission: "alerts.read",
    params: IdParams,
    responses: { 200: { description: "The rule", schema: rule } },
  }),
  op({
    method: "patch",
    path: "/api/v1/alert-rules/{id}",
    summary: "Change an alert rule",
    permission: "alerts.write",
    params: IdParams,
    body: AlertRuleUpdate,
    responses: { 200: { description: "Updated", schema: rule } },
  }),
  op({
    method: "delete",
    path: "/api/v1/alert-rules/{id}",
    summary: "Delete an alert rule",
    permission: "alerts.write",
    params: IdParams,
    responses: { 204: { description: "Deleted" } },
  }),
  op({
    method: "get",
    path: "/api/v1/alert-channels",
    summary: "List notification channels",
    permission: "alerts.read",
    responses: { 200: { description: "Channels", schema: z.object({ channels: z.array(AlertChannel) }) } },
  }),
  op({
    method: "post",
    path: "/api/v1/alert-channels",
    summary: "Create a channel (a webhook's signing secret is in this answer only)",
    permission: "alerts.write",
    body: AlertChannelCreate,
    responses: {
      201: {
        description: "Created",
        schema: z.object({ channel: AlertChannel, signingSecret: z.string().nullable() }),
      },
    },
  }),
  op({
    method: "patch",
    path: "/api/v1/alert-channels/{id}",
    summary: "Change a channel",
    permission: "alerts.write",
    params: IdParams,
    body: AlertChannelUpdate,
    responses: { 200: { description: "Updated", schema: z.object({ channel: AlertChannel }) } },
  }),
  op({
    method: "delete",
    path: "/api/v1/alert-channels/{id}",
    summary: "Delete a channel",
    permission: "alerts.write",
    params: IdParams,
    responses: { 204: { description: "Deleted" } },
  }),
  op({
    method: "post",
    path: "/api/v1/alert-channels/{id}/test",
    summary: "Send a sample notification through the channel now",
    permission: "alerts.write",
    params: IdParams,
    responses: {
      200: {
        description: "The delivery's outcome",
        schema: z.object({
          delivery: z.object({ status: z.string(), attempts: z.number().int(), lastError: z.string().nullable() }),
        }),
      },
    },
  }),
]);
