"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { AlertChannelCreate, AlertRuleCreate, AlertRuleUpdate } from "@/lib/schemas/alerts";
import { validatedAction } from "@/lib/server/action";
import { createChannel, deleteChannel, updateChannel } from "@/lib/server/alerts/channels";
import { createRule, deleteRule, updateRule } from "@/lib/server/alerts/rules";
import { sendTestNotification } from "@/lib/server/alerts/send-test";

const Id = z.object({ id: z.string().min(1).max(64) });
const done = <T>(value: T) => {
  revalidatePath("/settings/alerts");
  return value;
};

export const updateRuleAction = validatedAction(
  "alerts.write",
  AlertRuleUpdate.extend(Id.shape),
  async ({ id, ...input }, actor, ctx) => done(await updateRule(actor, id, input, ctx)),
);
export const createRuleAction = validatedAction("alerts.write", AlertRuleCreate, async (input, actor, ctx) =>
  done(await createRule(actor, input, ctx)),
);
export const deleteRuleAction = validatedAction("alerts.write", Id, async ({ id }, actor, ctx) =>
  done(await deleteRule(actor, id, ctx)),
);
export const createChannelAction = validatedAction("alerts.write", AlertChannelCreate, async (input, actor, ctx) =>
  done(await createChannel(actor, input, ctx)),
);
export const setChannelEnabledAction = validatedAction(
  "alerts.write",
  Id.extend({ enabled: z.boolean() }),
  async ({ id, enabled }, actor, ctx) => done(await updateChannel(actor, id, { enabled }, ctx)),
);
export const deleteChannelAction = validatedAction("alerts.write", Id, async ({ id }, actor, ctx) =>
  done(await deleteChannel(actor, id, ctx)),
);
export const testChannelAction = validatedAction("alerts.write", Id, async ({ id }, actor, ctx) =>
  sendTestNotification(actor, id, ctx),
);
