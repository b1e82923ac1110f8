import "server-only";
import { db } from "../db";
import { resourceSelect, toResourceDto } from "./dto";
import type { ResourceDto } from "./types";

/** One resource with its IdP profile and parsed draft; null when it does not exist. */
export async function getResource(id: string): Promise<ResourceDto | null> {
  const row = await db().mcpResource.findUnique({ where: { id }, select: resourceSelect });
  return row ? toResourceDto(row) : null;
}
