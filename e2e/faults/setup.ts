// The fault tests' own processes read these; each test file sets DATABASE_URL itself before using lib/server.
process.env.LOG_LEVEL ??= "silent";
process.env.PORTCULLIS_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret-000";
