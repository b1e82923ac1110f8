import "server-only";
import pino from "pino";
import { env } from "./env";

/**
 * Structured JSON logs. Secrets never reach a log line: the redact list covers the
 * fields that could carry them, and callers log ids, never tokens or passwords.
 */
export const log = pino({
  level: env().LOG_LEVEL,
  base: { service: "portcullis" },
  redact: {
    paths: [
      "password",
      "*.password",
      "token",
      "*.token",
      "secret",
      "*.secret",
      "authorization",
      "*.authorization",
      "headers.cookie",
      "*.headers.cookie",
      "*.headers.authorization",
    ],
    censor: "[redacted]",
  },
});
