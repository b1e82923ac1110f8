import "server-only";
import { isIP, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { SIGNATURE_HEADER, signPayload } from "../alerts/signature";
import { guardedSocketLookup, isHostAllowed, safeFetch } from "../net/safe-fetch";
import { type StreamEvent, toHecBody, toJsonLines, toSyslogStream } from "./format";

/**
 * The three ways out. HTTP sinks go through safeFetch (https, or http to loopback; every address
 * public unless ALLOW_PRIVATE_NETWORK_FETCH, checked at connect time; no redirects followed). Syslog
 * connects with the same address rule in the socket's own DNS lookup, plain TCP only to loopback.
 * A send succeeds only when the receiver accepted the whole batch: HTTP 2xx, or for syslog every byte
 * written and the connection closed cleanly by the receiver after our end of stream.
 */
export interface WebhookConfig {
  url: string;
  signingSecret: string;
}
export interface SyslogConfig {
  host: string;
  port: number;
  tls: boolean;
  caCert: string;
}
export interface HecConfig {
  url: string;
  token: string;
  index: string;
}
export type SinkConfig =
  | ({ kind: "webhook" } & WebhookConfig)
  | ({ kind: "syslog" } & SyslogConfig)
  | ({ kind: "splunk_hec" } & HecConfig);

const HEC_PATH = "/services/collector/event";
/** The HEC endpoint: the collector's base URL with /services/collector/event (kept when already there). */
export function hecEndpoint(url: string): string {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, "");
  u.pathname = path.endsWith(HEC_PATH) ? path : `${path}${HEC_PATH}`;
  return u.toString();
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;
export const isLoopbackHost = (host: string) => LOOPBACK.test(host);

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const res = await safeFetch(
    url,
    { method: "POST", headers: { "user-agent": "Portcullis-AuditStream/1", ...headers }, body, redirect: "manual" },
    { timeoutMs, maxBytes: 64 * 1024 },
  );
  await res.arrayBuffer().catch(() => undefined);
  // The status only: a receiver's body never reaches the status page.
  if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status} from the receiver`);
}

function sendSyslog(cfg: SyslogConfig, payload: string, timeoutMs: number): Promise<void> {
  const target = `${cfg.host}:${cfg.port}`;
  if (!cfg.tls && !isLoopbackHost(cfg.host))
    return Promise.reject(new Error("Plain TCP syslog is allowed only to loopback: turn TLS on."));
  if (!isHostAllowed(cfg.host))
    return Promise.reject(
      new Error(`Refused ${cfg.host}: a private address. Set ALLOW_PRIVATE_NETWORK_FETCH=true to allow it.`),
    );
  const host = cfg.host.replace(/^\[|\]$/g, "");
  const lookup = guardedSocketLookup(target);
  return new Promise<void>((resolve, reject) => {
    let socket: Socket;
    let settled = false;
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`syslog ${target} timed out after ${timeoutMs} ms`)), timeoutMs);
    const onReady = () => socket.end(payload);
    if (cfg.tls) {
      socket = tlsConnect({
        host,
        port: cfg.port,
        lookup,
        servername: isIP(host) ? undefined : host, // SNI carries names only (RFC 6066 §3)
        minVersion: "TLSv1.2",
        ...(cfg.caCert ? { ca: cfg.caCert } : {}),
      });
      socket.once("secureConnect", onReady);
    } else {
      socket = netConnect({ host, port: cfg.port, lookup });
      socket.once("connect", onReady);
    }
    socket.resume(); // a receiver may talk back; never buffer it
    socket.on("error", (err) => done(new Error(`syslog ${target}: ${err.message}`)));
    // The receiver closed after reading our end of stream: the whole batch was read.
    socket.on("close", (hadError) => done(hadError ? new Error(`syslog ${target}: connection failed`) : undefined));
  });
}

/** Send one batch (in order) to one sink; throws with a one-line reason (no upstream content). */
export async function sendBatch(
  cfg: SinkConfig,
  events: readonly StreamEvent[],
  batchId: string,
  timeoutMs: number,
): Promise<void> {
  switch (cfg.kind) {
    case "webhook": {
      const body = toJsonLines(events);
      const ts = Math.floor(Date.now() / 1000);
      await post(
        cfg.url,
        body,
        {
          "content-type": "application/x-ndjson",
          [SIGNATURE_HEADER]: signPayload(cfg.signingSecret, body, ts),
          "portcullis-delivery": batchId,
          "portcullis-event": "audit.batch",
        },
        timeoutMs,
      );
      return;
    }
    case "splunk_hec":
      await post(
        hecEndpoint(cfg.url),
        toHecBody(events, cfg.index ? { index: cfg.index } : {}),
        { "content-type": "application/json", authorization: `Splunk ${cfg.token}` },
        timeoutMs,
      );
      return;
    case "syslog":
      await sendSyslog(cfg, toSyslogStream(events), timeoutMs);
      return;
  }
}
