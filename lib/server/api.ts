import "server-only";
import type { ZodType } from "zod";
import { authenticateApiToken, bearerOf } from "./api-tokens/authenticate";
import { can, type Permission } from "./auth/permissions";
import { type Actor, requireActor } from "./auth/session";
import { env } from "./env";
import { AppError, toAppError } from "./errors";
import { assertSameOrigin, type CredentialKind, checkCrossOrigin, mediaTypeEssence } from "./http/cross-origin";
import { csrfRefusals } from "./http/metrics";
import { log } from "./log";
import { contextFromHeaders, type RequestContext } from "./request-context";

/**
 * Route-handler plumbing: one error shape (STYLE.md), `{ "error": { code, message, requestId, fields? } }`,
 * statuses from the one code table, unknown errors logged and answered with a generic 500.
 */
export function errorResponse(err: unknown, requestId: string): Response {
  const appError = toAppError(err);
  if (appError.code === "internal")
    log.error(
      { requestId, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) },
      "unhandled error",
    );
  const headers: Record<string, string> = { "content-type": "application/json", "cache-control": "no-store" };
  if (appError.retryAfterSec !== undefined) headers["retry-after"] = String(appError.retryAfterSec);
  const body = {
    error: {
      code: appError.code,
      message: appError.message,
      requestId,
      ...(appError.fieldErrors ? { fields: appError.fieldErrors } : {}),
    },
  };
  return new Response(JSON.stringify(body), { status: appError.status, headers });
}

export function json(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json");
  headers.set("cache-control", headers.get("cache-control") ?? "no-store");
  return new Response(JSON.stringify(data), { ...init, headers });
}

/** Read and parse a JSON body with a size cap (never trusts Content-Length alone). */
export async function readJson<T>(request: Request, schema: ZodType<T>, maxBytes = 64 * 1024): Promise<T> {
  // The essence, exactly: `text/plain; application/json` is text/plain (a browser sends it cross-site without a preflight).
  if (mediaTypeEssence(request.headers.get("content-type")) !== "application/json")
    throw new AppError("unsupported_media_type", "Send Content-Type: application/json.");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError("payload_too_large", `Body exceeds ${maxBytes} bytes.`);
  const text = await readLimited(request, maxBytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "Body is not valid JSON.");
  }
  return schema.parse(raw);
}

/** Read the raw body, never more than `maxBytes` whatever Content-Length said. */
export async function readLimitedBytes(request: Request, maxBytes: number, tooLarge?: () => AppError): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge ? tooLarge() : new AppError("payload_too_large", `Body exceeds ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function readLimited(request: Request, maxBytes: number): Promise<string> {
  return (await readLimitedBytes(request, maxBytes)).toString("utf8");
}

type Handler<C> = (request: Request, ctx: { actor: Actor; req: RequestContext; params: C }) => Promise<Response>;

/** The origin browsers use for this control plane: NEXTAUTH_URL's, else the request's own. */
export function configuredOrigin(request: Request): string {
  const configured = env().NEXTAUTH_URL;
  return new URL(configured ?? request.url).origin;
}

/**
 * Refuse a cross-origin unsafe request on a cookie-authenticated route (403, logged and counted).
 * Bearer-token routes (issue 14) pass `credential: "bearer"` and skip it: no ambient credential.
 */
export function requireSameOrigin(request: Request, req: RequestContext, credential: CredentialKind = "cookie"): void {
  const expected = configuredOrigin(request);
  const verdict = checkCrossOrigin(request.method, request.headers, expected, credential);
  if (verdict.ok) return;
  csrfRefusals().inc();
  log.warn(
    {
      requestId: req.requestId,
      ip: req.ip,
      method: request.method,
      path: new URL(request.url).pathname,
      reason: verdict.reason,
    },
    "cross-origin request refused",
  );
  assertSameOrigin(verdict, expected);
}

/**
 * The actor of an admin API request: a personal API token when an Authorization header is present
 * (the cookie is then ignored, and no same-origin check applies: a bearer token is no ambient
 * credential), else the session cookie after the same-origin check. Same permission check either way.
 */
async function authenticate(request: Request, req: RequestContext, permission: Permission): Promise<Actor> {
  const bearer = bearerOf(request);
  if (bearer === null) {
    // Before the session is even read: a forged write learns nothing, not even whether the cookie is valid.
    requireSameOrigin(request, req);
    return requireActor(permission);
  }
  requireSameOrigin(request, req, "bearer");
  const token = await authenticateApiToken(bearer, req, Date.now(), {
    method: request.method,
    path: new URL(request.url).pathname,
  });
  req.apiTokenId = token.tokenId;
  log.info(
    {
      requestId: req.requestId,
      ip: req.ip,
      apiTokenId: token.tokenId,
      adminId: token.actor.id,
      method: request.method,
    },
    "api token used",
  );
  if (!can(token.actor.role, permission) || !token.permissions.has(permission))
    throw new AppError("forbidden", `This API token does not allow ${permission}.`);
  return token.actor;
}

/** Wrap an admin route handler: authentication (token or session), permission check, then the handler, errors mapped. */
export function withAdmin<C = Record<string, string>>(permission: Permission, handler: Handler<C>) {
  return async (request: Request, route: { params: Promise<C> }): Promise<Response> => {
    const req = contextFromHeaders(request.headers);
    try {
      const actor = await authenticate(request, req, permission);
      return await handler(request, { actor, req, params: await route.params });
    } catch (err) {
      return errorResponse(err, req.requestId);
    }
  };
}
