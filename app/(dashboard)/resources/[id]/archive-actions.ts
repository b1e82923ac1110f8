"use server";

import { revalidatePath } from "next/cache";
import { validatedAction } from "@/lib/server/action";
import {
  archiveResource,
  DeleteResourceInput,
  deleteResource,
  ResourceIdInput,
  restoreResource,
} from "@/lib/server/resources/archive";

const done = <T>(value: T, id: string) => {
  revalidatePath("/resources");
  revalidatePath(`/resources/${id}`, "layout");
  return value;
};

export const archiveResourceAction = validatedAction("resources.write", ResourceIdInput, async (input, actor, ctx) =>
  done(await archiveResource(actor, input, ctx), input.id),
);

export const restoreResourceAction = validatedAction("resources.write", ResourceIdInput, async (input, actor, ctx) =>
  done(await restoreResource(actor, input, ctx), input.id),
);

export const deleteResourceAction = validatedAction(
  "resources.write",
  DeleteResourceInput,
  async (input, actor, ctx) => {
    await deleteResource(actor, input, ctx);
    revalidatePath("/resources");
    return { deleted: input.id };
  },
);
