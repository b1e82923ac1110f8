/**
 * Test helper run in its own process (password-change.test.ts): first start on the empty database in
 * DATABASE_URL, then prints the bootstrap owner's row as JSON on the last line.
 */
import { ensureBootstrapOwner } from "../bootstrap";
import { db } from "../db";

await ensureBootstrapOwner();
const owner = await db().admin.findFirst({ select: { email: true, mustChangePassword: true } });
process.stdout.write(`\nOWNER ${JSON.stringify(owner)}\n`);
process.exit(0);
