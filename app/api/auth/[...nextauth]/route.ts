import NextAuth from "next-auth";
import { errorResponse } from "@/lib/server/api";
import { authOptions } from "@/lib/server/auth/options";
import { AppError } from "@/lib/server/errors";
import { contextFromHeaders } from "@/lib/server/request-context";

type Ctx = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth reads a POST body (sign-in form, CSRF token, sign-out) before anyone is authenticated, and
 * reads all of it. Its forms are a few hundred bytes: refuse a body that does not declare a small
 * Content-Length before next-auth touches it (issue 10 §7: anonymous bodies are not buffered).
 */
const MAX_AUTH_BODY_BYTES = 16 * 1024;

const handler = (req: Request, ctx: Ctx) => {
  if (req.method === "POST") {
    const length = Number(req.headers.get("content-length") ?? Number.NaN);
    if (!(length <= MAX_AUTH_BODY_BYTES))
      return errorResponse(
        new AppError(
          "payload_too_large",
          `Sign-in requests declare a Content-Length of at most ${MAX_AUTH_BODY_BYTES} bytes.`,
        ),
        contextFromHeaders(req.headers).requestId,
      );
  }
  return NextAuth(req as never, ctx as never, authOptions());
};

export { handler as GET, handler as POST };
