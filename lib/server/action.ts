import "server-only";
import type { ZodType } from "zod";
import type { Permission } from "./auth/permissions";
import { type Actor, getActor, requireActor } from "./auth/session";
import { AppError, type ErrorCode, type FieldErrors, fieldErrorsOf, toAppError } from "./errors";
import { log } from "./log";
import { type RequestContext, requestContext } from "./request-context";

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: ErrorCode; message: string }; fieldErrors?: FieldErrors };

/**
 * The one server-action wrapper: permission check first (server-side, whatever the UI shows),
 * then the zod schema, then the operation. Expected failures come back as values for useActionState.
 */
export function validatedAction<I, T>(
  permission: Permission,
  schema: ZodType<I>,
  fn: (input: I, actor: Actor, ctx: RequestContext) => Promise<T>,
) {
  return run(schema, fn, () => requireActor(permission));
}

/**
 * For the one action that stays open while a password change is due (issue 13 #13): the admin's own password.
 * Signed in is enough; no role permission is involved, the admin acts only on their own account.
 */
export function ownAccountAction<I, T>(
  schema: ZodType<I>,
  fn: (actor: Actor, input: I, ctx: RequestContext) => Promise<T>,
) {
  return run(
    schema,
    (input: I, actor: Actor, ctx: RequestContext) => fn(actor, input, ctx),
    async () => {
      const actor = await getActor();
      if (!actor) throw new AppError("unauthorized", "Sign in first.");
      return actor;
    },
  );
}

function run<I, T>(
  schema: ZodType<I>,
  fn: (input: I, actor: Actor, ctx: RequestContext) => Promise<T>,
  authorize: () => Promise<Actor>,
) {
  return async (input: unknown): Promise<ActionResult<T>> => {
    const ctx = await requestContext();
    try {
      const actor = await authorize();
      const parsed = schema.safeParse(input instanceof FormData ? Object.fromEntries(input) : input);
      if (!parsed.success)
        return {
          ok: false,
          error: { code: "invalid_input", message: "Some fields are invalid." },
          fieldErrors: fieldErrorsOf(parsed.error),
        };
      return { ok: true, data: await fn(parsed.data, actor, ctx) };
    } catch (err) {
      const appError = toAppError(err);
      if (appError.code === "internal")
        log.error({ requestId: ctx.requestId, err: err instanceof Error ? err.message : String(err) }, "action failed");
      return {
        ok: false,
        error: { code: appError.code, message: appError.message },
        ...(appError.fieldErrors ? { fieldErrors: appError.fieldErrors } : {}),
      };
    }
  };
}
