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
  /** Archived (issue 13 #7): its enforcers refuse every request; null when active. */
  archivedAt: string | null;
  archivedByEmail: string | null;
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
  /** Archived (issue 13 #7): enforcers deny everything; null when active. */
  archivedAt: string | null;
  updatedAt: string;
}

export interface DraftStatus {
  latestVersion: number | null;
  latestPublishedAt: string | null;
  /** The draft would publish a policy other than the latest version's (compared by content), or nothing is published. */
  hasUnpublishedChanges: boolean;
  /** How many policy fields differ from the latest version; null when the draft cannot be built. */
  changeCount: number | null;
  /** Why the draft cannot be published as it is. */
  draftProblem?: string;
}
