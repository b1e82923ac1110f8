"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { AuditSinkCreate, AuditSinkUpdate } from "@/lib/schemas/audit-sinks";
import { validatedAction } from "@/lib/server/action";
import { sendTestEvent } from "@/lib/server/audit-stream/send-test";
import { createSink, deleteSink, updateSink } from "@/lib/server/audit-stream/sinks";

const Id = z.object({ id: z.string().min(1).max(64) });
const done = <T>(value: T) => {
  revalidatePath("/settings/audit-streaming");
  return value;
};

export const createSinkAction = validatedAction("audit.stream", AuditSinkCreate, async (input, actor, ctx) =>
  done(await createSink(actor, input, ctx)),
);
export const updateSinkAction = validatedAction(
  "audit.stream",
  AuditSinkUpdate.extend(Id.shape),
  async ({ id, ...input }, actor, ctx) => done(await updateSink(actor, id, input, ctx)),
);
export const deleteSinkAction = validatedAction("audit.stream", Id, async ({ id }, actor, ctx) =>
  done(await deleteSink(actor, id, ctx)),
);
export const testSinkAction = validatedAction("audit.stream", Id, async ({ id }, actor, ctx) =>
  done(await sendTestEvent(actor, id, ctx)),
);
