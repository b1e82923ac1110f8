/**
 * A loopback syslog receiver for trying audit streaming from a terminal: listens on TCP, splits RFC 6587
 * octet-counted frames and prints each RFC 5424 message's header and event as one line.
 *   npx tsx scripts/syslog-receiver.ts --port 5514
 * then add a sink: kind syslog, host 127.0.0.1, port 5514, TLS off (plain TCP is allowed to loopback),
 * and run the control plane with ALLOW_PRIVATE_NETWORK_FETCH=true (loopback is not a public address).
 */
import { createServer } from "node:net";
import { parseOctetCounted } from "../lib/server/audit-stream/format";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const port = Number(arg("port", "5514"));
const host = arg("host", "127.0.0.1");

const server = createServer((socket) => {
  let pending: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    try {
      const parsed = parseOctetCounted(Buffer.concat([pending, chunk]));
      pending = parsed.rest;
      for (const m of parsed.messages) console.log(m);
    } catch (err) {
      console.error(`bad frame from ${socket.remoteAddress}: ${(err as Error).message}`);
      socket.destroy();
    }
  });
  socket.on("end", () => socket.end());
});
server.listen(port, host, () => console.error(`syslog receiver on tcp://${host}:${port} (Ctrl-C to stop)`));
