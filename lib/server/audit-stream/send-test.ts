import "server-only";
import { randomUUID } from "node:crypto";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { db } from "../db";
import { AppError } from "../errors";
import type { RequestContext } from "../request-context";
import type { StreamEvent } from "./format";
import { openSinkConfig } from "./sink-config";
import { sendBatch } from "./transports";

export interface TestResult {
  ok: boolean;
  eventId: string;
  error: string | null;
}

/**
 * "Send test event": one `test` event through the sink now (5 s deadline), outside the stream (its
 * cursors and backoff are untouched), so the admin sees the receiver's answer at once. Audited with
 * the outcome; that audit row then streams like any other.
 */
export async function sendTestEvent(actor: Actor, id: string, ctx: RequestContext): Promise<TestResult> {
  const sink = await db().auditSink.findUnique({ where: { id } });
  if (!sink) throw new AppError("not_found", "No such audit sink.");
  const event: StreamEvent = {
    id: `test-${randomUUID()}`,
    type: "test",
    time: new Date().toISOString(),
    message: `Test event from Portcullis to audit sink "${sink.name}"`,
    actor: { id: actor.id, email: actor.email },
  };
  let error: string | null = null;
  try {
    await sendBatch(openSinkConfig(sink.id, sink.configEnc), [event], `${sink.id}:${event.id}`, 5_000);
  } catch (err) {
    error = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").slice(0, 500);
  }
  await db().$transaction((tx) =>
    writeAudit(tx, {
      actor,
      action: "audit_sink.test",
      targetType: "audit_sink",
      targetId: id,
      after: { eventId: event.id, ok: error === null, error },
      ctx,
    }),
  );
  return { ok: error === null, eventId: event.id, error };
}
