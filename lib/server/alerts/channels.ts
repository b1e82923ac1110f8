import "server-only";
import { type AlertChannelCreate, AlertChannelUpdate } from "@/lib/schemas/alerts";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { decryptSecret, encryptSecret } from "../crypto";
import { db } from "../db";
import { AppError, isUniqueViolation } from "../errors";
import type { RequestContext } from "../request-context";
import { newSigningSecret } from "./signature";
import { assertWebhookUrl } from "./url-guard";

/**
 * Notification channels. Whatever would let someone post as us or read our alerts (webhook URL,
 * signing secret, Slack URL) is sealed with AES-256-GCM bound to the row id and never returned: the
 * DTO carries only a display hint, and a webhook's signing secret is shown once, at creation.
 */
export type ChannelKind = "webhook" | "slack" | "email";
export interface ChannelConfig {
  url?: string;
  signingSecret?: string;
  to?: string[];
}
export interface ChannelDto {
  id: string;
  name: string;
  kind: ChannelKind;
  target: string;
  minSeverity: string;
  template: string;
  enabled: boolean;
  createdAt: string;
}

const select = {
  id: true,
  name: true,
  kind: true,
  target: true,
  minSeverity: true,
  template: true,
  enabled: true,
  createdAt: true,
} as const;
type Row = { [K in keyof typeof select]: K extends "createdAt" ? Date : K extends "enabled" ? boolean : string };

export const toChannelDto = (r: Row): ChannelDto => ({
  ...r,
  kind: r.kind as ChannelKind,
  createdAt: r.createdAt.toISOString(),
});

const aad = (id: string) => `alert-channel:${id}`;
export const sealConfig = (id: string, c: ChannelConfig) => encryptSecret(JSON.stringify(c), aad(id));
export const openConfig = (id: string, sealed: string): ChannelConfig =>
  JSON.parse(decryptSecret(sealed, aad(id))) as ChannelConfig;

/** The display hint: a URL's origin only (its path often holds a token, as Slack's does), or the recipients. */
function targetOf(c: ChannelConfig): string {
  if (c.to) return c.to.join(", ");
  return c.url ? new URL(c.url).origin : "";
}
const recipients = (to: string) => to.split(/[,\s]+/).filter(Boolean);
const conflict = () =>
  new AppError("conflict", "A channel with this name already exists.", {
    fieldErrors: { name: ["A channel with this name already exists."] },
  });
const auditView = (c: ChannelDto) => ({
  name: c.name,
  kind: c.kind,
  target: c.target,
  minSeverity: c.minSeverity,
  enabled: c.enabled,
  template: c.template,
});

export async function listChannels(): Promise<ChannelDto[]> {
  return (await db().alertChannel.findMany({ select, orderBy: { name: "asc" } })).map(toChannelDto);
}

export async function createChannel(
  actor: Actor,
  input: AlertChannelCreate,
  ctx: RequestContext,
): Promise<{ channel: ChannelDto; signingSecret: string | null }> {
  const config: ChannelConfig = input.kind === "email" ? { to: recipients(input.to) } : { url: input.url };
  if (config.url) await assertWebhookUrl(config.url);
  const signingSecret = input.kind === "webhook" ? newSigningSecret() : null;
  if (signingSecret) config.signingSecret = signingSecret;
  try {
    const channel = await db().$transaction(async (tx) => {
      const id = crypto.randomUUID();
      const row = await tx.alertChannel.create({
        data: {
          id,
          name: input.name,
          kind: input.kind,
          target: targetOf(config),
          configEnc: sealConfig(id, config),
          minSeverity: input.minSeverity,
          template: input.template,
          enabled: input.enabled,
        },
        select,
      });
      const dto = toChannelDto(row);
      await writeAudit(tx, {
        actor,
        action: "alert_channel.create",
        targetType: "alert_channel",
        targetId: id,
        after: auditView(dto),
        ctx,
      });
      return dto;
    });
    return { channel, signingSecret };
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict();
    throw err;
  }
}

export async function updateChannel(
  actor: Actor,
  id: string,
  raw: AlertChannelUpdate,
  ctx: RequestContext,
): Promise<ChannelDto> {
  const input = AlertChannelUpdate.parse(raw);
  const current = await db().alertChannel.findUnique({ where: { id } });
  if (!current) throw new AppError("not_found", "No such channel.");
  const config = openConfig(id, current.configEnc);
  if (input.url !== undefined) {
    if (current.kind === "email") throw new AppError("invalid_input", "An e-mail channel has recipients, not a URL.");
    await assertWebhookUrl(input.url);
    config.url = input.url;
  }
  if (input.to !== undefined) {
    if (current.kind !== "email") throw new AppError("invalid_input", "Only e-mail channels have recipients.");
    config.to = recipients(input.to);
  }
  try {
    return await db().$transaction(async (tx) => {
      const row = await tx.alertChannel.update({
        where: { id },
        data: {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.minSeverity !== undefined ? { minSeverity: input.minSeverity } : {}),
          ...(input.template !== undefined ? { template: input.template } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
          target: targetOf(config),
          configEnc: sealConfig(id, config),
        },
        select,
      });
      const dto = toChannelDto(row);
      await writeAudit(tx, {
        actor,
        action: "alert_channel.update",
        targetType: "alert_channel",
        targetId: id,
        before: auditView(toChannelDto(current)),
        after: { ...auditView(dto), urlChanged: input.url !== undefined },
        ctx,
      });
      return dto;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict();
    throw err;
  }
}

export async function deleteChannel(actor: Actor, id: string, ctx: RequestContext): Promise<void> {
  await db().$transaction(async (tx) => {
    const current = await tx.alertChannel.findUnique({ where: { id }, select });
    if (!current) throw new AppError("not_found", "No such channel.");
    await tx.alertChannel.delete({ where: { id } });
    // Routing keeps no dangling ids.
    const rules = await tx.alertRule.findMany({ where: { channelIds: { contains: id } } });
    for (const r of rules) {
      const ids = (JSON.parse(r.channelIds) as string[]).filter((c) => c !== id);
      await tx.alertRule.update({ where: { id: r.id }, data: { channelIds: JSON.stringify(ids) } });
    }
    await writeAudit(tx, {
      actor,
      action: "alert_channel.delete",
      targetType: "alert_channel",
      targetId: id,
      before: auditView(toChannelDto(current)),
      ctx,
    });
  });
}
