// Loaded with `node --import` by the fault tests' control-plane processes: lib/server is imported
// outside Next (and outside the react-server condition, which next/navigation cannot load under), so
// the `server-only` marker resolves to an empty module, as lib/server/test/empty.ts does under vitest.
import { register } from "node:module";

register(
  `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      if (specifier === "server-only") return { url: "data:text/javascript,export{}", shortCircuit: true };
      return next(specifier, context);
    }`)}`,
);
