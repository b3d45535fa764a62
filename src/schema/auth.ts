import { z } from "zod";
import { hashPassword, verifyPassword } from "../auth/password.ts";
import { builder } from "../builder.ts";
import { enqueueJob } from "../jobs/enqueue.ts";
import { USER_SEND_WELCOME_EMAIL, type WelcomeEmailPayload } from "../jobs/tasks/user__send_welcome_email.ts";
import { clientError, withPrismaErrors } from "../errors.ts";
import { rateLimited } from "../graphql/rate-limit.ts";
import type { User } from "../generated/prisma/client.ts";
import { asAuthenticatedUser, UserRef } from "./user.ts";
import { fields, parseInput } from "./validation.ts";

const AuthPayload = builder.objectRef<{ token: string; user: User }>("AuthPayload").implement({
  description: "A bearer token for the Authorization header, and the user it logs in.",
  fields: (t) => ({
    token: t.exposeString("token"),
    user: t.field({ type: UserRef, resolve: (payload) => payload.user }),
  }),
});

const SignUpInput = builder.inputType("SignUpInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    handle: t.string({ required: true }),
    name: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

const LogInInput = builder.inputType("LogInInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

const signUpInput = z.object({
  email: fields.email,
  handle: fields.handle,
  name: fields.name,
  password: fields.password,
});

// Verified against when the email is unknown, so a failed log-in takes as long either way.
const decoyHash = hashPassword("decoy password that matches nothing");

builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayload,
    extensions: rateLimited("signUp", (args) => (args.input as { email?: unknown } | undefined)?.email),
    args: { input: t.arg({ type: SignUpInput, required: true }) },
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
    args: { input: t.arg({ type: LogInInput, required: true }) },
    resolve: async (_root, args, context) => {
      const email = args.input.email.trim().toLowerCase();
      const user = await context.prisma.user.findUnique({ where: { email } });
      const valid = await verifyPassword(args.input.password, user?.passwordHash ?? (await decoyHash));
      if (!user || !valid) throw clientError("UNAUTHENTICATED", "Wrong email or password");
      return { token: await context.tokens.sign(user.id), user: asAuthenticatedUser(user) };
    },
  }),
}));
