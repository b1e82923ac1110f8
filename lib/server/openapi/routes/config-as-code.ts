import "server-only";
import {
  ConfigApplyBody,
  ConfigApplyResponse,
  ConfigPlanBody,
  ConfigPlanResponse,
  ExportQuery,
} from "@/lib/schemas/config-document";
import { defineFamily, op } from "../registry";

export const configAsCodeFamily = defineFamily(
  "Configuration as code",
  "The whole configuration as one YAML or JSON document (IdP profiles, resources with policy, tools and downstream APIs, alert rules and channels; names, not ids; no secrets): export it, plan a changed document, apply it in one transaction. The document's schema is lib/schemas/config-document.ts; the CLI is `npm run portcullis`.",
  [
    op({
      method: "get",
      path: "/api/v1/config/export",
      summary: "Export the configuration as one document (stable order, no secrets)",
      description: "Also needs idp.read and alerts.read (viewers have them).",
      permission: "resources.read",
      query: ExportQuery,
      responses: { 200: { description: "The document (YAML by default, or JSON)", contentType: "application/yaml" } },
    }),
    op({
      method: "post",
      path: "/api/v1/config/plan",
      summary: "Plan a document: the exact changes (create, update, delete, archive, publish) with field diffs",
      description:
        "Changes nothing. Also needs idp.write and alerts.write. Errors name the path in the document (resources[2].tools[0].name).",
      permission: "resources.write",
      body: ConfigPlanBody,
      responses: { 200: { description: "The plan", schema: ConfigPlanResponse } },
    }),
    op({
      method: "post",
      path: "/api/v1/config/apply",
      summary: "Apply a document in one transaction, audited as one change set (config.applied)",
      description:
        "Also needs idp.write and alerts.write, and config.publish with publish: true. With planId, a state changed since that plan is refused (409). The same document twice changes nothing the second time.",
      permission: "resources.write",
      body: ConfigApplyBody,
      responses: {
        200: { description: "What was applied (applied: false when nothing changed)", schema: ConfigApplyResponse },
      },
    }),
  ],
);
