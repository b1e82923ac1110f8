import type { ResourceDraft } from "@/lib/schemas/resources";
import type { IdpProfileDto } from "../idp-profiles/types";

export interface ResourceDto {
  id: string;
  name: string;
  /** Canonical resource URI (RFC 8707 §2, normalized by normalizeResourceUri). */
  uri: string;
  idpProfileId: string;
  idpProfile: IdpProfileDto;
  draft: ResourceDraft;
  createdAt: string;
  updatedAt: string;
}

export interface ResourceListItem {
  id: string;
  name: string;
  uri: string;
  idpProfileId: string;
  idpProfileName: string;
  idpKind: string;
  toolCount: number;
  latestVersion: number | null;
  latestPublishedAt: string | null;
  hasUnpublishedChanges: boolean;
  updatedAt: string;
}

export interface DraftStatus {
  latestVersion: number | null;
  latestPublishedAt: string | null;
  /** McpResource.updatedAt is later than the latest ConfigVersion.publishedAt (or nothing was ever published). */
  hasUnpublishedChanges: boolean;
}
