import "server-only";
import { ZodError } from "zod";
// Importing the map also installs it (z.config) for every schema parsed on the server.
import { adminMessage } from "@/lib/schemas/error-map";
import { classifyDbFault } from "./db-faults";

/**
 * The control plane's one error type. A code, not a status: the status comes from
 * the table below, so route handlers and actions never disagree about it.
 */
export const ERROR_STATUS = {
  invalid_input: 422,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  /** Signed in with a password someone else set (issue 13 #13): change it first, at /account/password. */
  password_change_required: 403,
  not_found: 404,
  conflict: 409,
  /** Publish of a draft that equals the live version (issue 13 #5). */
  nothing_to_publish: 409,
  /** A risky publish that needs `confirm` (issue 13 #5): the message names the risk. */
  confirmation_required: 409,
  /** A change to an archived resource (issue 13 #7): restore it first. */
  resource_archived: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  database_unavailable: 503,
  storage_full: 503,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;
export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: ErrorCode;
  readonly fieldErrors: FieldErrors | undefined;
  readonly retryAfterSec: number | undefined;
  constructor(code: ErrorCode, message: string, opts: { fieldErrors?: FieldErrors; retryAfterSec?: number } = {}) {
    super(message);
    this.code = code;
    this.fieldErrors = opts.fieldErrors;
    this.retryAfterSec = opts.retryAfterSec;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Field errors keyed by path, in the admin's words (lib/schemas/error-map.ts: never zod's own texts). */
export function fieldErrorsOf(err: ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of err.issues) {
    const key = issue.path.join(".") || "_";
    out[key] = [...(out[key] ?? []), adminMessage(issue)];
  }
  return out;
}

/** Normalize anything thrown into an AppError; unknown errors become a generic 500 (the caller logs the real one). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError)
    return new AppError("invalid_input", "Some fields are invalid.", { fieldErrors: fieldErrorsOf(err) });
  if (isUniqueViolation(err)) return new AppError("conflict", "That already exists.");
  const fault = classifyDbFault(err);
  if (fault) return storageFault(fault);
  return new AppError("internal", "Something went wrong on our side. The error was logged.");
}

/** Outages are the client's to retry: 503 with Retry-After, never a 500. */
export const RETRY_AFTER_SEC = { database_unavailable: 2, storage_full: 10 } as const;

function storageFault(fault: "storage_full" | "database_unavailable"): AppError {
  const message =
    fault === "storage_full"
      ? "The control plane's disk is full: nothing can be saved until space is freed. Try again later."
      : "The database is unavailable right now. Try again in a few seconds.";
  return new AppError(fault, message, { retryAfterSec: RETRY_AFTER_SEC[fault] });
}

export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}
