import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import type { TEMPLATE_FIELDS } from "@/lib/schemas/alerts";
import { env } from "../env";
import { safeFetch } from "../net/safe-fetch";
import type { ChannelConfig, ChannelKind } from "./channels";
import type { AlertPayload } from "./notify";
import { SIGNATURE_HEADER, signPayload } from "./signature";

/**
 * The three ways out: signed JSON webhook, Slack-compatible incoming webhook, e-mail over SMTP.
 * Each send has its own deadline, so a hanging receiver costs its own delivery and nothing else.
 */
export interface SendTarget {
  id: string;
  kind: ChannelKind;
  template: string;
  config: ChannelConfig;
}

const LABEL: Record<string, string> = {
  "alert.firing": "FIRING",
  "alert.resolved": "RESOLVED",
  "alert.renotify": "STILL FIRING",
  "alert.test": "TEST",
};

/** The one-line message: the channel's template, or a default naming state, rule, resource and value. */
export function renderText(template: string, p: AlertPayload): string {
  const a = p.alert;
  const values: Record<(typeof TEMPLATE_FIELDS)[number], string> = {
    rule: a.rule.name,
    state: LABEL[p.type] ?? a.state,
    resource: a.resource?.name ?? "fleet",
    key: a.key,
    value: String(Math.round(a.value * 10) / 10),
    threshold: String(Math.round(a.threshold * 10) / 10),
    severity: a.severity,
    url: a.url,
  };
  if (template)
    return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => values[k as keyof typeof values] ?? "");
  return `[${values.state}] ${a.summary} (${a.severity})`;
}

/** POST through safeFetch: address checked at connect time, no redirects followed, one deadline. */
async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const res = await safeFetch(
    url,
    {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Portcullis-Alerts/1", ...headers },
      body,
      redirect: "manual", // receivers must answer 2xx themselves; a 3xx is a failed delivery
    },
    { timeoutMs, maxBytes: 64 * 1024 },
  );
  await res.arrayBuffer().catch(() => undefined);
  // The status only: a receiver's body or status text never reaches the delivery log.
  if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status} from the receiver`);
}

let transport: Transporter | undefined;
function mailer(timeoutMs: number): Transporter {
  const e = env();
  if (!e.SMTP_HOST) throw new Error("SMTP is not configured on the control plane (set SMTP_HOST, SMTP_FROM…).");
  transport ??= nodemailer.createTransport({
    host: e.SMTP_HOST,
    port: e.SMTP_PORT,
    secure: e.SMTP_SECURE,
    ...(e.SMTP_USER ? { auth: { user: e.SMTP_USER, pass: e.SMTP_PASSWORD ?? "" } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return transport;
}

export async function sendNotification(
  target: SendTarget,
  payload: AlertPayload,
  deliveryId: string,
  timeoutMs: number,
): Promise<void> {
  const text = renderText(target.template, payload);
  switch (target.kind) {
    case "webhook": {
      const { url, signingSecret } = target.config;
      if (!url || !signingSecret) throw new Error("The channel has no URL or signing secret.");
      const body = JSON.stringify({ ...payload, text, deliveryId });
      const ts = Math.floor(Date.now() / 1000);
      await post(
        url,
        body,
        {
          [SIGNATURE_HEADER]: signPayload(signingSecret, body, ts),
          "portcullis-delivery": deliveryId,
          "portcullis-event": payload.type,
        },
        timeoutMs,
      );
      return;
    }
    case "slack": {
      if (!target.config.url) throw new Error("The channel has no URL.");
      const a = payload.alert;
      const detail = [a.summary, `Cause: ${a.cause}`, `Check: ${a.check}`, `<${a.url}|Open in Portcullis>`].join("\n");
      const body = JSON.stringify({
        text,
        blocks: [
          { type: "section", text: { type: "mrkdwn", text: `*${text}*` } },
          { type: "section", text: { type: "mrkdwn", text: detail } },
        ],
      });
      await post(target.config.url, body, {}, timeoutMs);
      return;
    }
    case "email": {
      const to = target.config.to ?? [];
      if (to.length === 0) throw new Error("The channel has no recipients.");
      const a = payload.alert;
      const lines = [
        a.summary,
        "",
        `State: ${a.state}   Severity: ${a.severity}`,
        `Value: ${a.value} ${a.unit} (threshold ${a.threshold})`,
        `Since: ${a.firedAt ?? a.startedAt}`,
        "",
        `What usually causes it: ${a.cause}`,
        `What to check: ${a.check}`,
        "",
        `Alert: ${a.url}`,
        ...(a.eventsUrl ? [`Events: ${a.eventsUrl}`] : []),
      ];
      const send = mailer(timeoutMs).sendMail({
        from: env().SMTP_FROM,
        to,
        subject: text.slice(0, 200),
        text: lines.join("\n"),
        headers: { "X-Portcullis-Delivery": deliveryId },
      });
      await Promise.race([
        send,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`SMTP timed out after ${timeoutMs} ms`)), timeoutMs).unref(),
        ),
      ]);
      return;
    }
  }
}
