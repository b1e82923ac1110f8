"use server";

import { revalidatePath } from "next/cache";
import { PublishInput, RollbackInput } from "@/lib/schemas/config";
import { validatedAction } from "@/lib/server/action";
import { publishDraft, rollbackConfig } from "@/lib/server/config/publish";
import { RestoreSnapshotInput, restoreDraftSnapshot } from "@/lib/server/resources/draft-snapshots";

// The layout shows the latest version and the draft status on every tab: refresh them all.
const done = <T>(resourceId: string, value: T) => {
  revalidatePath(`/resources/${resourceId}`, "layout");
  return value;
};

export const publishAction = validatedAction("config.publish", PublishInput, async (input, actor, ctx) =>
  done(input.resourceId, await publishDraft(actor, input, ctx)),
);

export const rollbackAction = validatedAction("config.publish", RollbackInput, async (input, actor, ctx) =>
  done(input.resourceId, await rollbackConfig(actor, input, ctx)),
);

export const restoreSnapshotAction = validatedAction(
  "resources.write",
  RestoreSnapshotInput,
  async (input, actor, ctx) => done(input.resourceId, await restoreDraftSnapshot(actor, input, ctx)),
);
