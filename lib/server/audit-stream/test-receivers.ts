import { createServer as createHttpServer, type Server as HttpServer, type IncomingHttpHeaders } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { parseOctetCounted } from "./format";

/**
 * Loopback receivers for the audit streaming tests: an HTTP receiver (webhook and Splunk HEC) and a
 * TCP syslog receiver (RFC 6587 octet counting). Each can be stopped and started again on the same
 * port ("the receiver is down for a while"), and the HTTP one can answer a chosen status.
 */
export interface HttpHit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Restartable {
  port: number;
  up(): Promise<void>;
  down(): Promise<void>;
}

function restartable(server: HttpServer | Server, sockets: Set<Socket>): Restartable {
  const r: Restartable = {
    port: 0,
    up: () =>
      new Promise<void>((resolve) =>
        server.listen(r.port, "127.0.0.1", () => {
          r.port = (server.address() as AddressInfo).port;
          resolve();
        }),
      ),
    down: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return r;
}

export function httpReceiver(): Restartable & {
  hits: HttpHit[];
  status: number;
  /** Runs after a request was read, before it is answered. */
  onRequest: (() => Promise<void>) | undefined;
} {
  const hits: HttpHit[] = [];
  const server = createHttpServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", async () => {
      hits.push({ path: req.url ?? "", headers: req.headers, body });
      await receiver.onRequest?.();
      res.writeHead(receiver.status).end();
    });
  });
  const receiver = Object.assign(restartable(server, new Set()), {
    hits,
    status: 204,
    onRequest: undefined as (() => Promise<void>) | undefined,
  });
  return receiver;
}

/** Plain TCP, or TLS with `tls: { key, cert }` (RFC 5425 uses the same octet counting). */
export function syslogReceiver(tls?: { key: Buffer | string; cert: string }): Restartable & { messages: string[] } {
  const messages: string[] = [];
  const onSocket = (socket: Socket) => {
    let pending: Buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      const parsed = parseOctetCounted(Buffer.concat([pending, chunk]));
      messages.push(...parsed.messages);
      pending = parsed.rest;
    });
    socket.on("end", () => socket.end());
  };
  const server = tls ? createTlsServer({ ...tls, minVersion: "TLSv1.2" }, onSocket) : createTcpServer(onSocket);
  return Object.assign(restartable(server, new Set()), { messages });
}

/** The JSON Lines events a receiver got at `path` (webhook batches), in arrival order, duplicates kept. */
export function jsonLinesAt<T = { id: string }>(receiver: { hits: HttpHit[] }, path: string): T[] {
  return receiver.hits
    .filter((h) => h.path === path)
    .flatMap((h) =>
      h.body
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as T),
    );
}

/** RFC 5424 §6: HEADER SP STRUCTURED-DATA [SP MSG], parsed strictly enough to catch a format slip. */
const RFC5424 =
  /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z) ([\x21-\x7e]{1,255}) ([\x21-\x7e]{1,48}) ([\x21-\x7e]{1,128}) ([\x21-\x7e]{1,32}) (-|(?:\[[^\]\s=]+(?: [^=\s\]"]+="(?:[^"\\\]]|\\["\\\]])*")*\])+)(?: (.*))?$/s;
export function parseRfc5424(line: string) {
  const m = RFC5424.exec(line);
  if (!m) throw new Error(`not RFC 5424: ${line.slice(0, 200)}`);
  const sd = m[7] ?? "";
  const id = /\bid="((?:[^"\\]|\\.)*)"/.exec(sd)?.[1];
  return {
    pri: Number(m[1]),
    timestamp: m[2],
    hostname: m[3],
    appName: m[4],
    procId: m[5],
    msgId: m[6],
    structuredData: sd,
    sdEventId: id,
    msg: JSON.parse(m[8] ?? "null") as { id: string; type: string; [k: string]: unknown },
  };
}
