import "server-only";
import { db } from "../db";
import { idpProfileSelect, toIdpProfileDto } from "./dto";
import type { IdpProfileDto } from "./types";

export async function getIdpProfile(id: string): Promise<IdpProfileDto | null> {
  const row = await db().idpProfile.findUnique({ where: { id }, select: idpProfileSelect });
  return row ? toIdpProfileDto(row) : null;
}
