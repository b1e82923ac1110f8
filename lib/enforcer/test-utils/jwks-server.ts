/**
 * A JWKS endpoint on 127.0.0.1 for tests: mutable key set, request counter, and failure modes
 * (down = HTTP 500, hang = never answers, oversize). Test-only.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A running JWKS server. */
export interface JwksServer {
  url: string;
  /** Base URL (`http://127.0.0.1:port`). */
  origin: string;
  requests: number;
  keys: Record<string, unknown>[];
  mode: "ok" | "down" | "hang" | "huge" | "garbage";
  close(): Promise<void>;
}

/**
 * Starts the server; any path answers with the JWKS (an attacker server is the same thing with no keys).
 *
 * @example
 * const jwks = await startJwksServer([key.jwk]);
 */
export async function startJwksServer(keys: Record<string, unknown>[] = []): Promise<JwksServer> {
  const state: JwksServer = {
    url: "",
    origin: "",
    requests: 0,
    keys,
    mode: "ok",
    close: async () => undefined,
  };
  const server: Server = createServer((_req, res) => {
    state.requests++;
    if (state.mode === "hang") return;
    if (state.mode === "down") {
      res.writeHead(500).end("down");
      return;
    }
    if (state.mode === "garbage") {
      res.writeHead(200, { "content-type": "application/json" }).end("<html>");
      return;
    }
    const body =
      state.mode === "huge"
        ? JSON.stringify({ keys: state.keys, pad: "x".repeat(600 * 1024) })
        : JSON.stringify({ keys: state.keys });
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.origin = `http://127.0.0.1:${port}`;
  state.url = `${state.origin}/jwks`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
