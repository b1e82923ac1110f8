import "server-only";
import YAML from "yaml";
import { CONFIG_API_VERSION } from "@/lib/schemas/config-document";
import { type Db, db, type Tx } from "../db";
import { type CurrentState, readState } from "./state";

/**
 * The export: one document with every IdP profile, resource (policy, tools, downstream APIs, and the
 * published version as read-only status), alert rule and channel. Stable: objects sorted by name (rules by
 * kind, reason, resource), fixed key order, no timestamps or database ids, so two exports of the same
 * configuration are byte-identical and a Git diff shows only real changes. No secrets: downstream APIs say
 * where the MCP server's host keeps theirs (`secretFrom`), channels that theirs are sealed in the control plane.
 */
export interface ExportedDocument {
  apiVersion: typeof CONFIG_API_VERSION;
  idpProfiles: unknown[];
  resources: unknown[];
  alertRules: unknown[];
  alertChannels: unknown[];
}

export function documentOf(state: CurrentState): ExportedDocument {
  return {
    apiVersion: CONFIG_API_VERSION,
    idpProfiles: [...state.idps.values()].map((i) => i.view),
    resources: [...state.resources.values()].map((r) => ({
      ...r.view,
      status: { publishedVersion: r.publishedVersion, unpublishedChanges: r.unpublishedChanges },
    })),
    alertRules: [...state.rules.values()].map((r) => r.view),
    alertChannels: [...state.channels.values()].map((c) => c.view),
  };
}

export async function exportConfig(client: Db | Tx = db()): Promise<ExportedDocument> {
  return documentOf(await readState(client));
}

const HEADER =
  "# Portcullis configuration (GET /api/v1/config/export). Plan: POST /api/v1/config/plan; apply: POST /api/v1/config/apply.\n" +
  "# No secrets: downstream APIs name where the MCP server's host keeps theirs (secretFrom); channel URLs stay encrypted in the control plane.\n";

export function serializeDocument(doc: ExportedDocument, format: "yaml" | "json"): string {
  if (format === "json") return `${JSON.stringify(doc, null, 2)}\n`;
  // lineWidth 0: never fold long strings, so a changed description is a one-line diff.
  return HEADER + YAML.stringify(doc, { lineWidth: 0, sortMapEntries: false, aliasDuplicateObjects: false });
}
