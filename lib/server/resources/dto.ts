import "server-only";
import { ResourceDraft } from "@/lib/schemas/resources";
import { type IdpProfileRow, idpProfileSelect, toIdpProfileDto } from "../idp-profiles/dto";
import type { ResourceDto } from "./types";

export const resourceSelect = {
  id: true,
  name: true,
  uri: true,
  idpProfileId: true,
  draft: true,
  archivedAt: true,
  archivedByEmail: true,
  createdAt: true,
  updatedAt: true,
  idpProfile: { select: idpProfileSelect },
} as const;

export interface ResourceRow {
  id: string;
  name: string;
  uri: string;
  idpProfileId: string;
  draft: string;
  archivedAt: Date | null;
  archivedByEmail: string | null;
  createdAt: Date;
  updatedAt: Date;
  idpProfile: IdpProfileRow;
}

/** Drafts are written through ResourceDraft only; defaults fill fields added since a row was written. */
export function parseDraft(text: string): ResourceDraft {
  let raw: unknown = {};
  try {
    raw = JSON.parse(text);
  } catch {
    raw = {};
  }
  const parsed = ResourceDraft.safeParse(raw);
  if (parsed.success) return parsed.data;
  // A draft that no longer validates (should not happen) still renders: keep what parses, default the rest.
  const obj = (raw ?? {}) as Record<string, unknown>;
  const fallback: Record<string, unknown> = { audiences: ["<missing>"] };
  for (const [k, v] of Object.entries(obj)) {
    const probe = ResourceDraft.safeParse({ ...fallback, [k]: v });
    if (probe.success) fallback[k] = v;
  }
  return ResourceDraft.parse(fallback);
}

export function toResourceDto(row: ResourceRow): ResourceDto {
  return {
    id: row.id,
    name: row.name,
    uri: row.uri,
    idpProfileId: row.idpProfileId,
    idpProfile: toIdpProfileDto(row.idpProfile),
    draft: parseDraft(row.draft),
    archivedAt: row.archivedAt?.toISOString() ?? null,
    archivedByEmail: row.archivedByEmail,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
