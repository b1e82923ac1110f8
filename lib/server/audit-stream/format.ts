import { hostname } from "node:os";

/**
 * The wire formats of audit streaming. Pure functions (no `server-only`): receivers and tests import
 * them. Every event carries a stable `id` (`audit-<seq>`, `denial-<telemetry id>`, `test-<uuid>`): a
 * batch sent again after a failure or a timeout carries the same ids, so a SIEM can drop duplicates.
 */
export type StreamEventType = "audit" | "denial" | "test";
export interface StreamEvent {
  id: string;
  type: StreamEventType;
  /** RFC 3339, UTC. */
  time: string;
  [field: string]: unknown;
}

/** JSON Lines (https://jsonlines.org): one event per line, each line ending in \n. */
export function toJsonLines(events: readonly StreamEvent[]): string {
  return events.map((e) => `${JSON.stringify(e)}\n`).join("");
}

/** Splunk HEC `/services/collector/event`: event objects back to back (HEC's batch form). */
export function toHecBody(events: readonly StreamEvent[], opts: { index?: string; host?: string } = {}): string {
  const host = opts.host ?? localHostName();
  return events
    .map((e) =>
      JSON.stringify({
        time: Date.parse(e.time) / 1000, // epoch seconds, milliseconds as the fraction
        host,
        source: "portcullis",
        sourcetype: `portcullis:${e.type}`,
        ...(opts.index ? { index: opts.index } : {}),
        event: e,
      }),
    )
    .join("\n");
}

// RFC 5424 §6.2.1: facility 13 is "log audit"; severity by event type.
const FACILITY_LOG_AUDIT = 13;
const SEVERITY: Record<StreamEventType, number> = { audit: 5, denial: 4, test: 6 }; // notice, warning, informational
// RFC 5424 §7.2.2: a private SD-ID is name@<enterprise number>; 32473 is the documentation PEN (RFC 5612).
export const SD_ID = "portcullis@32473";
const NIL = "-";

/** PRINTUSASCII only, at most `max` characters, "-" when empty (RFC 5424 §6). */
function header(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, "").slice(0, max);
  return clean || NIL;
}
export function localHostName(): string {
  return header(hostname(), 255);
}

/** RFC 5424 §6.3.3: inside PARAM-VALUE, '"', '\' and ']' are escaped with a backslash. */
const sdValue = (v: string) => v.replace(/[\\"\]]/g, (c) => `\\${c}`);

/** The structured data: the id and the fields a SIEM filters on, the full event stays in MSG. */
function structuredData(e: StreamEvent): string {
  const params: [string, unknown][] = [
    ["id", e.id],
    ["action", e.action],
    ["actor", (e.actor as { email?: string } | undefined)?.email],
    ["reason", e.reason],
    ["resourceId", e.resourceId],
    ["clientId", e.clientId],
  ];
  const body = params
    .filter((p): p is [string, string] => typeof p[1] === "string" && p[1] !== "")
    .map(([k, v]) => `${k}="${sdValue(v)}"`)
    .join(" ");
  return `[${SD_ID} ${body}]`;
}

/**
 * One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`, MSG being the
 * event as JSON (MSG-ANY, no BOM).
 */
export function toSyslogMessage(e: StreamEvent, host = localHostName(), procId = String(process.pid)): string {
  const pri = FACILITY_LOG_AUDIT * 8 + SEVERITY[e.type];
  return `<${pri}>1 ${new Date(e.time).toISOString()} ${header(host, 255)} portcullis ${header(procId, 128)} ${e.type} ${structuredData(e)} ${JSON.stringify(e)}`;
}

/** RFC 6587 §3.4.1 octet counting (also RFC 5425 over TLS): `<byte length> <message>`. */
export function frameOctetCounted(message: string): string {
  return `${Buffer.byteLength(message, "utf8")} ${message}`;
}

export function toSyslogStream(events: readonly StreamEvent[], host?: string): string {
  return events.map((e) => frameOctetCounted(toSyslogMessage(e, host))).join("");
}

/** Split an octet-counted stream back into messages (receivers and tests). Returns the unread rest. */
export function parseOctetCounted(buffer: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let at = 0;
  for (;;) {
    const space = buffer.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(buffer.subarray(at, space).toString("ascii"));
    if (!Number.isInteger(length) || length <= 0) throw new Error("bad octet-counted frame");
    if (buffer.length < space + 1 + length) break;
    messages.push(buffer.subarray(space + 1, space + 1 + length).toString("utf8"));
    at = space + 1 + length;
  }
  return { messages, rest: buffer.subarray(at) };
}
