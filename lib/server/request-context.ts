import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { env } from "./env";

export interface RequestContext {
  requestId: string;
  ip: string | null;
}

/** Request id (set by proxy.ts) and client address, for audit rows and logs. */
export function contextFromHeaders(h: Headers): RequestContext {
  const requestId = h.get("x-request-id") ?? randomUUID();
  // Next sets x-forwarded-for from the socket; behind a proxy the left-most entry is the
  // client only when that proxy is trusted (TRUST_PROXY), otherwise take the last hop.
  const forwarded = (h.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const ip = (env().TRUST_PROXY ? forwarded[0] : forwarded[forwarded.length - 1]) ?? h.get("x-real-ip") ?? null;
  return { requestId, ip };
}

export async function requestContext(): Promise<RequestContext> {
  return contextFromHeaders(await headers());
}
