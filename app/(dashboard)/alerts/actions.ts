"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { validatedAction } from "@/lib/server/action";
import { acknowledgeAlert, resolveAlert } from "@/lib/server/alerts/alerts";

const AckInput = z.object({ id: z.string().min(1).max(64), note: z.string().trim().max(500).default("") });
const IdInput = z.object({ id: z.string().min(1).max(64) });

export const acknowledgeAlertAction = validatedAction("alerts.write", AckInput, async (input, actor, ctx) => {
  const alert = await acknowledgeAlert(actor, input.id, input.note, ctx);
  revalidatePath("/alerts");
  return alert;
});

export const resolveAlertAction = validatedAction("alerts.write", IdInput, async (input, actor, ctx) => {
  const alert = await resolveAlert(actor, input.id, ctx);
  revalidatePath("/alerts");
  return alert;
});
