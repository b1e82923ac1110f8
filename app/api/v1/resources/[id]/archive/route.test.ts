import { describe, expect, it } from "vitest";
import { bearerRequest, createTestAdmin, createTestToken, routeParams } from "@/lib/server/api-tokens/test-tokens";
import { createTestResource } from "@/lib/server/enforcers/test-fixtures";
import { POST as restore } from "../restore/route";
import { DELETE } from "../route";
import { POST as archive } from "./route";

/** Issue 13 #7 through the real route handlers: roles, the archive-first rule, the typed name, 404s. */
async function tokenOf(role: "owner" | "admin" | "viewer") {
  return (await createTestToken(await createTestAdmin(role))).token;
}
const call = (handler: typeof archive, token: string, id: string, method = "POST", body?: unknown) =>
  handler(bearerRequest(token, `/api/v1/resources/${id}`, { method, body }), routeParams({ id }));

describe("archive, restore and delete over REST", () => {
  it("viewers may not; delete needs the archive and the exact name; unknown ids are 404", async () => {
    const { resourceId: id, name } = await createTestResource();
    const admin = await tokenOf("admin");
    const viewer = await tokenOf("viewer");
    expect((await call(archive, viewer, id)).status).toBe(403);
    const early = await call(DELETE, admin, id, "DELETE", { confirmName: name });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { error: { message: string } }).error.message).toMatch(/Archive .* first/);
    expect((await call(archive, admin, id)).status).toBe(200);
    expect((await call(archive, admin, id)).status).toBe(409);
    const wrong = await call(DELETE, admin, id, "DELETE", { confirmName: "nope" });
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("invalid_input");
    expect((await call(restore, admin, id)).status).toBe(200);
    expect((await call(archive, admin, id)).status).toBe(200);
    expect((await call(DELETE, admin, id, "DELETE", { confirmName: name })).status).toBe(204);
    expect((await call(archive, admin, id)).status).toBe(404);
    expect((await call(DELETE, admin, "nope", "DELETE", { confirmName: "x" })).status).toBe(404);
  });
});
