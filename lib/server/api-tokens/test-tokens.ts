import "server-only";
import { randomUUID } from "node:crypto";
import { type CreateApiTokenInput, CreateApiTokenInput as Schema } from "@/lib/schemas/api-tokens";
import type { Role } from "../auth/permissions";
import type { Actor } from "../auth/session";
import { db } from "../db";
import { PEER_HEADER } from "../request-context";
import { createApiToken } from "./tokens";

/**
 * Test helpers for routes called with a personal API token (issue 14), for any route test:
 * a fresh admin of the given role, a token of theirs, and a Request that carries it the way
 * scripts/serve.mjs would (the peer address stamped as a header).
 */
export async function createTestAdmin(role: Role = "owner"): Promise<Actor> {
  const tag = randomUUID().slice(0, 8);
  const row = await db().admin.create({
    data: { email: `tok-${tag}@example.test`, name: `Token ${tag}`, role },
    select: { id: true, email: true, name: true, role: true },
  });
  return { ...row, role };
}

export async function createTestToken(
  owner: Actor,
  input: Partial<CreateApiTokenInput> = {},
): Promise<{ token: string; id: string }> {
  const parsed = Schema.parse({ name: `t-${randomUUID().slice(0, 8)}`, role: owner.role, ...input });
  const { token, apiToken } = await createApiToken(owner, parsed, { requestId: "test-token", ip: "127.0.0.1" });
  return { token, id: apiToken.id };
}

export function bearerRequest(
  token: string,
  path: string,
  init: { method?: string; body?: unknown; ip?: string | null; headers?: Record<string, string> } = {},
): Request {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  if (init.ip !== null) headers.set(PEER_HEADER, init.ip ?? "127.0.0.1");
  headers.set("x-request-id", randomUUID());
  if (init.body !== undefined) headers.set("content-type", "application/json");
  return new Request(`http://127.0.0.1${path}`, {
    method: init.method ?? "GET",
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}

/** The second argument of a Next route handler. */
export function routeParams<P extends Record<string, string>>(params: P = {} as P): { params: Promise<P> } {
  return { params: Promise.resolve(params) };
}
