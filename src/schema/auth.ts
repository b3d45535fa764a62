import { z } from "zod";
import { hashPassword, isCurrentPasswordHash, verifyPassword } from "../auth/password.ts";
import { builder } from "./builder.ts";
import type { Context } from "./context.ts";
import { enqueueJob } from "../jobs/enqueue.ts";
import { USER_SEND_WELCOME_EMAIL, type WelcomeEmailPayload } from "../jobs/tasks/user__send_welcome_email.ts";
import { withPrismaErrors } from "../data/database-errors.ts";
import { clientError, ConflictError, InputError } from "../errors.ts";
import { mutationErrors } from "./mutation-errors.ts";
import { rateLimited } from "./rate-limit-rule.ts";
import type { User } from "../data/generated/prisma/client.ts";
import { asAuthenticatedUser, UserRef, userInput } from "./user.ts";
import { parseInput } from "./validation.ts";

const AuthPayload = builder.objectRef<{ token: string; user: User }>("AuthPayload").implement({
  description: "A bearer token for the Authorization header, and the user it logs in.",
  fields: (t) => ({
    token: t.exposeString("token", {
      description: "Send as `Authorization: Bearer <token>`; it expires after AUTH_TOKEN_TTL_SECONDS (7 days).",
    }),
    user: t.field({
      type: UserRef,
      description: "The logged-in user (their `email` is visible here).",
      resolve: (payload) => payload.user,
    }),
  }),
});

const SignUpInput = builder.inputType("SignUpInput", {
  description: "A new account.",
  fields: (t) => ({
    email: t.string({ required: true, description: "Unique; at most 254 characters." }),
    handle: t.string({
      required: true,
      description: "Unique whatever its case (`Ada` is taken when `ada` is); 3 to 32 letters, digits or underscores.",
    }),
    name: t.string({ required: true, description: "Display name, 1 to 100 characters." }),
    password: t.string({ required: true, description: "8 to 200 characters." }),
  }),
});

const LogInInput = builder.inputType("LogInInput", {
  description: "The credentials of an existing account.",
  fields: (t) => ({
    email: t.string({ required: true, description: "The account's email (any case)." }),
    password: t.string({ required: true, description: "The account's password." }),
  }),
});

const signUpInput = z.object({
  email: userInput.email,
  handle: userInput.handle,
  name: userInput.name,
  password: userInput.password,
});

// Verified against when the email is unknown, so a failed log-in takes as long either way: it is
// made with today's parameters, as every account's hash is once it has logged in since they changed.
const decoyHash = hashPassword("decoy password that matches nothing");

/**
 * Replaces a hash made with older parameters, now that the password is known to be right. Only
 * if it is still the hash just verified: a password changed meanwhile is not overwritten.
 */
async function rehashPassword(context: Context, user: User, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await withPrismaErrors("User", () =>
    context.prisma.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash } }),
  );
}

builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayload,
    errors: mutationErrors("SignUp", [InputError, ConflictError], "AuthPayload"),
    extensions: rateLimited("signUp", (args) => (args.input as { email?: unknown } | undefined)?.email),
    description:
      "Creates an account, sends a welcome email (a background job) and logs it in; InputError for an invalid field, ConflictError for a taken handle or email.",
    args: { input: t.arg({ type: SignUpInput, required: true, description: "The new account." }) },
    resolve: async (_root, args, context) => {
      const input = parseInput(signUpInput, args.input);
      const passwordHash = await hashPassword(input.password);
      // The welcome mail is enqueued in the user's transaction: both or neither.
      const user = await withPrismaErrors("User", () =>
        context.prisma.$transaction(async (tx) => {
          const created = await tx.user.create({
            data: { email: input.email, handle: input.handle, name: input.name, passwordHash },
          });
          await enqueueJob(
            tx,
            USER_SEND_WELCOME_EMAIL,
            { userId: created.id, email: created.email, name: created.name } satisfies WelcomeEmailPayload,
            { jobKey: `welcome:${created.id}`, maxAttempts: 10 },
          );
          return created;
        }),
      );
      return { token: await context.tokens.sign(user.id), user: asAuthenticatedUser(user) };
    },
  }),
  logIn: t.field({
    type: AuthPayload,
    extensions: rateLimited("logIn", (args) => (args.input as { email?: unknown } | undefined)?.email),
    description: "Exchanges an email and password for a token; UNAUTHENTICATED when either is wrong.",
    args: { input: t.arg({ type: LogInInput, required: true, description: "The credentials." }) },
    resolve: async (_root, args, context) => {
      const email = args.input.email.trim().toLowerCase();
      const user = await context.prisma.user.findUnique({ where: { email } });
      const valid = await verifyPassword(args.input.password, user?.passwordHash ?? (await decoyHash));
      if (!user || !valid) throw clientError("UNAUTHENTICATED", "Wrong email or password");
      if (!isCurrentPasswordHash(user.passwordHash)) await rehashPassword(context, user, args.input.password);
      return { token: await context.tokens.sign(user.id), user: asAuthenticatedUser(user) };
    },
  }),
}));
