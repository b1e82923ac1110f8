import { inject } from "vitest";

// Before any lib/server module reads the environment (env() parses lazily).
process.env.DATABASE_URL = inject("databaseUrl");
process.env.LOG_LEVEL ??= "silent";
process.env.PORTCULLIS_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret-000";
// The data-layer tests talk to loopback IdPs and MCP servers; lib/server/net/safe-fetch.test.ts turns it off per call.
process.env.ALLOW_PRIVATE_NETWORK_FETCH ??= "true";
