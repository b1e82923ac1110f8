import "server-only";
import type { Counter } from "prom-client";
import { counter } from "../prom";

/** Cross-origin writes refused by withAdmin (issue 10 §1): a rising count is an attack or a misconfigured NEXTAUTH_URL. */
export const csrfRefusals = (): Counter<string> =>
  counter(
    "portcullis_cross_origin_refused_total",
    "Cross-origin unsafe requests refused on cookie-authenticated routes",
    [],
  );
