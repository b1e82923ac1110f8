"use server";

import { revalidatePath } from "next/cache";
import { ApiTokenIdInput, CreateApiTokenInput } from "@/lib/schemas/api-tokens";
import { validatedAction } from "@/lib/server/action";
import { createApiToken, revokeApiToken } from "@/lib/server/api-tokens/tokens";

const done = <T>(value: T) => {
  revalidatePath("/settings/api-tokens");
  return value;
};

/** The answer holds the full token: shown once by the form, never stored. */
export const createApiTokenAction = validatedAction("tokens.manage", CreateApiTokenInput, async (input, actor, ctx) =>
  done(await createApiToken(actor, input, ctx)),
);
export const revokeApiTokenAction = validatedAction("tokens.manage", ApiTokenIdInput, async (input, actor, ctx) =>
  done(await revokeApiToken(actor, input, ctx)),
);
