/**
 * `node --import ./scripts/bench/server-only-hook.mjs`: lets a script import lib/server outside Next.
 * `server-only` resolves to its empty module (what Next's react-server condition does), without
 * turning on that condition for everything else (React's server build has no createContext, which
 * next-auth and next/navigation need at import time).
 */
import { register } from "node:module";

const empty = new URL("../../node_modules/server-only/empty.js", import.meta.url).href;
const hook = `export async function resolve(specifier, context, next) {
  return specifier === "server-only" ? { url: ${JSON.stringify(empty)}, shortCircuit: true } : next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
