import "server-only";
import { AsymmetricAlg, IdpKind } from "@/lib/enforcer/policy";
import { ClaimProfile, IdpKindSettings } from "@/lib/schemas/idp-profiles";
import { defaultClaimProfile } from "./derive";
import type { IdpProfileDto, IdpSettings, TestConnectionResult } from "./types";

export const idpProfileSelect = {
  id: true,
  name: true,
  kind: true,
  settings: true,
  issuers: true,
  discoveryUrl: true,
  jwksUri: true,
  algorithms: true,
  requireTokenType: true,
  lastTestAt: true,
  lastTestOk: true,
  lastTestResult: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { resources: true } },
} as const;

export interface IdpProfileRow {
  id: string;
  name: string;
  kind: string;
  settings: string;
  issuers: string;
  discoveryUrl: string;
  jwksUri: string;
  algorithms: string;
  requireTokenType: string | null;
  lastTestAt: Date | null;
  lastTestOk: boolean | null;
  lastTestResult: string | null;
  createdAt: Date;
  updatedAt: Date;
  _count: { resources: number };
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const StringList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];

/** Stored rows are written by this module only, but parse defensively: a bad row must not crash a page. */
export function toIdpProfileDto(row: IdpProfileRow): IdpProfileDto {
  const kind = IdpKind.catch("oidc").parse(row.kind);
  const raw = (parseJson(row.settings) ?? {}) as Record<string, unknown>;
  const kindSettings = IdpKindSettings.safeParse({ ...raw, kind });
  const base: IdpKindSettings = kindSettings.success
    ? kindSettings.data
    : { kind: "oidc", issuer: StringList(parseJson(row.issuers))[0] ?? "" };
  const overrides = (raw.overrides ?? {}) as IdpSettings["overrides"];
  const claim = ClaimProfile.safeParse(raw.claimProfile);
  return {
    id: row.id,
    name: row.name,
    kind,
    settings: { ...base, overrides },
    issuers: StringList(parseJson(row.issuers)),
    discoveryUrl: row.discoveryUrl,
    jwksUri: row.jwksUri,
    algorithms: StringList(parseJson(row.algorithms)).filter(
      (a): a is AsymmetricAlg => AsymmetricAlg.safeParse(a).success,
    ),
    requireTokenType: row.requireTokenType === "at+jwt" ? "at+jwt" : null,
    claimProfile: claim.success ? claim.data : defaultClaimProfile(base),
    lastTestAt: row.lastTestAt?.toISOString() ?? null,
    lastTestOk: row.lastTestOk,
    lastTestResult: parseJson(row.lastTestResult) as TestConnectionResult | null,
    resourceCount: row._count.resources,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
