"use server";

import { revalidatePath } from "next/cache";
import { CreateCredentialInput, RevokeCredentialInput, RotateCredentialInput } from "@/lib/schemas/enforcers";
import { validatedAction } from "@/lib/server/action";
import { createCredential, revokeCredential, rotateCredential } from "@/lib/server/enforcers/credentials";

const done = <T>(resourceId: string, value: T) => {
  revalidatePath(`/resources/${resourceId}/enforcers`);
  return value;
};

/** Returns the secret once; the page never shows it again. */
export const createCredentialAction = validatedAction(
  "credentials.manage",
  CreateCredentialInput,
  async (input, actor, ctx) => done(input.resourceId, await createCredential(actor, input, ctx)),
);

export const revokeCredentialAction = validatedAction(
  "credentials.manage",
  RevokeCredentialInput,
  async (input, actor, ctx) => done(input.resourceId, await revokeCredential(actor, input, ctx)),
);

export const rotateCredentialAction = validatedAction(
  "credentials.manage",
  RotateCredentialInput,
  async (input, actor, ctx) => done(input.resourceId, await rotateCredential(actor, input, ctx)),
);
