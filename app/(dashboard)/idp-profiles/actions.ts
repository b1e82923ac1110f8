"use server";

import { revalidatePath } from "next/cache";
import { CreateIdpProfileInput, IdpProfileIdInput, UpdateIdpProfileInput } from "@/lib/schemas/idp-profiles";
import { validatedAction } from "@/lib/server/action";
import { RepublishInput, republishProfileResources } from "@/lib/server/idp-profiles/republish";
import { createIdpProfile, deleteIdpProfile, updateIdpProfile } from "@/lib/server/idp-profiles/save-idp-profile";
import { testIdpConnection } from "@/lib/server/idp-profiles/test-connection";

const done = <T>(value: T, id?: string) => {
  revalidatePath("/idp-profiles");
  if (id) revalidatePath(`/idp-profiles/${id}`);
  return value;
};

export const createIdpProfileAction = validatedAction("idp.write", CreateIdpProfileInput, async (input, actor, ctx) => {
  const p = await createIdpProfile(actor, input, ctx);
  return done({ id: p.id, name: p.name });
});

export const updateIdpProfileAction = validatedAction("idp.write", UpdateIdpProfileInput, async (input, actor, ctx) => {
  const p = await updateIdpProfile(actor, input, ctx);
  return done({ id: p.id, name: p.name }, p.id);
});

export const deleteIdpProfileAction = validatedAction("idp.write", IdpProfileIdInput, async (input, actor, ctx) => {
  await deleteIdpProfile(actor, input, ctx);
  return done({ id: input.id });
});

export const testIdpConnectionAction = validatedAction("idp.write", IdpProfileIdInput, async (input, actor, ctx) => {
  const p = await testIdpConnection(actor, input, ctx);
  return done({ ok: p.lastTestOk === true }, p.id);
});

export const republishProfileResourcesAction = validatedAction(
  "config.publish",
  RepublishInput,
  async (input, actor, ctx) => {
    const results = await republishProfileResources(actor, input, ctx);
    revalidatePath("/resources", "layout");
    return done(results, input.profileId);
  },
);
