import "server-only";
import { ConfigBundle } from "@/lib/enforcer/policy";
import { db } from "../db";
import { AppError } from "../errors";
import { Params, q } from "../telemetry/sql";
import { type DiffEntry, diffJson } from "./diff";

export interface ConfigVersionDto {
  version: number;
  etag: string;
  kid: string;
  publishedAt: string;
  publishedByEmail: string;
  note: string;
  rolledBackFrom: number | null;
}

const versionSelect = {
  version: true,
  etag: true,
  kid: true,
  publishedAt: true,
  publishedByEmail: true,
  note: true,
  rolledBackFrom: true,
} as const;

type VersionRow = {
  version: number;
  etag: string;
  kid: string;
  publishedAt: Date;
  publishedByEmail: string;
  note: string;
  rolledBackFrom: number | null;
};
const toDto = (r: VersionRow): ConfigVersionDto => ({ ...r, publishedAt: r.publishedAt.toISOString() });

export async function assertResourceExists(resourceId: string): Promise<void> {
  const found = await db().mcpResource.findUnique({ where: { id: resourceId }, select: { id: true } });
  if (!found) throw new AppError("not_found", "No such resource.");
}

/** Newest first. */
export async function listConfigVersions(resourceId: string, take = 200): Promise<ConfigVersionDto[]> {
  await assertResourceExists(resourceId);
  const rows = await db().configVersion.findMany({
    where: { resourceId },
    orderBy: { version: "desc" },
    take,
    select: versionSelect,
  });
  return rows.map(toDto);
}

export interface ConfigVersionDetail extends ConfigVersionDto {
  bundle: ConfigBundle;
}

export async function getConfigVersion(resourceId: string, version: number): Promise<ConfigVersionDetail> {
  const row = await db().configVersion.findUnique({
    where: { resourceId_version: { resourceId, version } },
    select: { ...versionSelect, bundle: true },
  });
  if (!row) throw new AppError("not_found", `Version ${version} of this resource does not exist.`);
  const { bundle, ...rest } = row;
  return { ...toDto(rest), bundle: ConfigBundle.parse(JSON.parse(bundle)) };
}

export interface LatestSigned {
  version: number;
  etag: string;
  jws: string;
}

/** What the config API serves: the newest signed bundle (one indexed read, released at once). */
export async function getLatestSigned(resourceId: string): Promise<LatestSigned | null> {
  return db().configVersion.findFirst({
    where: { resourceId },
    orderBy: { version: "desc" },
    select: { version: true, etag: true, jws: true },
  });
}

export async function getLatestVersionNumber(resourceId: string): Promise<number | null> {
  // Raw: every enforcer heartbeat asks this, and Prisma compiles a `findFirst` on every call (about 0.3 ms of
  // CPU); the (resourceId, version) index answers MAX at once.
  const p = new Params();
  const rows = await db().$queryRawUnsafe<{ v: number | bigint | null }[]>(
    `SELECT MAX(${q("version")}) AS ${q("v")} FROM ${q("ConfigVersion")} WHERE ${q("resourceId")} = ${p.add(resourceId)}`,
    ...p.values,
  );
  const v = rows[0]?.v;
  return v === null || v === undefined ? null : Number(v);
}

export interface VersionDiff {
  from: ConfigVersionDto;
  to: ConfigVersionDto;
  changes: DiffEntry[];
}

/** A readable diff of two versions' policies (bundle metadata such as publishedAt is left out). */
export async function diffConfigVersions(resourceId: string, from: number, to: number): Promise<VersionDiff> {
  const [a, b] = await Promise.all([getConfigVersion(resourceId, from), getConfigVersion(resourceId, to)]);
  const { bundle: bundleA, ...fromDto } = a;
  const { bundle: bundleB, ...toDto } = b;
  return { from: fromDto, to: toDto, changes: diffJson(bundleA.policy, bundleB.policy) };
}

/** A version number from a path segment; anything else names no version (404, not 422). */
export function parseVersionParam(value: string): number {
  if (!/^[1-9]\d{0,8}$/.test(value)) throw new AppError("not_found", "No such version.");
  return Number(value);
}
