import type { Task } from "graphile-worker";
import type { Mailer } from "../mailer.ts";

export const USER_SEND_WELCOME_EMAIL = "user__send_welcome_email";

export interface WelcomeEmailPayload {
  userId: number;
  email: string;
  name: string;
}

/** Stored jobs can be older than the code: check the payload's shape before using it. */
export function assertWelcomeEmailPayload(payload: unknown): asserts payload is WelcomeEmailPayload {
  const p = payload as Partial<WelcomeEmailPayload> | null;
  if (!p || typeof p.userId !== "number" || typeof p.email !== "string" || typeof p.name !== "string") {
    throw new Error(`${USER_SEND_WELCOME_EMAIL}: invalid payload ${JSON.stringify(payload)}`);
  }
}

export function createWelcomeEmailTask(mailer: Mailer): Task {
  return async (payload) => {
    assertWelcomeEmailPayload(payload);
    await mailer.send({
      to: payload.email,
      subject: "Welcome to Sokudo",
      text: `Hello ${payload.name},\n\nyour Sokudo account is ready. Happy writing!\n`,
    });
  };
}
