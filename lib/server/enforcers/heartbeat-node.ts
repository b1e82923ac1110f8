import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateEnforcer, type EnforcerIdentity } from "../enforcer-auth";
import { AppError } from "../errors";
import { type ConfigReply, enforcerErrorReply } from "./config-poll";
import { writeReply } from "./config-poll-node";
import { authenticatedHeartbeatResponse, HEARTBEAT_MAX_BYTES } from "./heartbeat-api";

/**
 * `POST /api/v1/enforcer/heartbeat` straight from node:http, before Next's router (issue 17), as the config
 * long-poll is (config-poll-node.ts): every enforcer sends one every 30 s and after each apply, and Next's
 * per-request work was most of a heartbeat's cost to the control plane. The answer is the route handler's own
 * (the same function, given the body this reads); this only adapts the transport and adds the static /api
 * headers next.config.ts adds. As in the route, the credential is checked before the body is waited for; the
 * body is read up to one byte past the route's 8 KiB cap, so the route refuses a larger one as it would (413)
 * without this buffering more, and a declared length over the cap is refused from the header.
 */
export const HEARTBEAT_API_PATH = "/api/v1/enforcer/heartbeat";

/** The `globalThis` key under which instrumentation.ts leaves the handler for scripts/serve.mjs. */
export const HEARTBEAT_FAST_PATH = Symbol.for("portcullis.heartbeatFastPath");

function readCapped(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      if (size > max) return; // past the cap: the rest is drained, not kept
      const room = max + 1 - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

/**
 * Answers one heartbeat on a node:http response. Never throws: errors are the API's JSON errors.
 * @example if (req.method === "POST" && req.url === HEARTBEAT_API_PATH) return handleHeartbeatRequest(req, res);
 */
export async function handleHeartbeatRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let reply: ConfigReply;
  try {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    reply = await heartbeatReply(req, headers);
  } catch {
    // The body broke off, or a header Node accepted that a Request does not: the API's JSON error, never a reset.
    reply = enforcerErrorReply(new AppError("bad_request", "The request could not be read."), null);
  }
  writeReply(req, res, reply);
}

async function heartbeatReply(req: IncomingMessage, headers: Headers): Promise<ConfigReply> {
  // As the route handler: the credential first, before any of the body is waited for.
  let identity: EnforcerIdentity;
  try {
    identity = await authenticateEnforcer({ headers });
  } catch (err) {
    return enforcerErrorReply(err, headers.get("x-request-id"));
  }
  // A declared length over the cap is refused from the header (the route's readJson), without reading.
  const declared = Number(req.headers["content-length"] ?? "0");
  const body = declared > HEARTBEAT_MAX_BYTES ? Buffer.alloc(0) : await readCapped(req, HEARTBEAT_MAX_BYTES);
  // The body as read, with the request's own headers (Content-Type and Content-Length are the route's to judge).
  const request = new Request(`http://control-plane${HEARTBEAT_API_PATH}`, {
    method: "POST",
    headers,
    body: body.length > 0 ? new Uint8Array(body) : null,
  });
  const response = await authenticatedHeartbeatResponse(identity, request);
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}
