import "server-only";
import { db } from "../db";
import { idpProfileSelect, toIdpProfileDto } from "./dto";
import type { IdpProfileDto } from "./types";

export async function listIdpProfiles(): Promise<IdpProfileDto[]> {
  const rows = await db().idpProfile.findMany({ select: idpProfileSelect, orderBy: [{ name: "asc" }] });
  return rows.map(toIdpProfileDto);
}
