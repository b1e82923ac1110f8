import { inject } from "vitest";

// Before any lib/server module reads the environment (env() parses lazily).
process.env.DATABASE_URL = inject("databaseUrl");
process.env.LOG_LEVEL ??= "silent";
process.env.PORTCULLIS_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret-000";
