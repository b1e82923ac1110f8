import "server-only";
import type { ZodType } from "zod";
import { readJson } from "../api";

/** An optional JSON body: none at all means `{}` (e.g. `POST …/publish` without a note); otherwise size-capped JSON. */
export async function readOptionalJson<T>(request: Request, schema: ZodType<T>, maxBytes = 16 * 1024): Promise<T> {
  const length = request.headers.get("content-length");
  const hasBody =
    request.body !== null && length !== "0" && (length !== null || request.headers.has("transfer-encoding"));
  if (!hasBody) return schema.parse({});
  return readJson(request, schema, maxBytes);
}
