import "server-only";
import type { User } from "@prisma/client";
import { redirect } from "next/navigation";
import type { z } from "zod";
import { fieldErrors } from "@/lib/validations/auth";
import { formValue, type FormState } from "@/lib/validations/form-state";
import { db } from "../platform/db";
import { schedulePrune } from "../platform/prune";
import type { RateLimitVerdict } from "../platform/rate-limit";
import { getRequestContext, type RequestContext } from "../platform/request-context";
import { orUnavailableForm, orUnavailablePage } from "../platform/unavailable";
import type { WorkQueue } from "../platform/work-queue";
import { MESSAGES, retryMessage } from "../policy";
import { getPendingChallenge, type PendingChallenge } from "./challenge";
import { getCurrentSession, type CurrentSession } from "./session";

// The one shape of every server action (docs/ARCHITECTURE.md "The action
// shape"), in this order: availability (a database outage is a form message,
// or the 503 page) → guard → `refuse` → schema parse (field errors and the
// echoed values) → `limits` → `run`. Next.js's redirects pass through every
// step, so `run` may end in redirect(). An actions.ts calls it inside the
// function it exports, declared with the parameters its form sends
// (`previous, formData`, or none): Next.js's action id encodes them, and
// middleware refuses posts that do not fit (lib/auth/form-posts.ts).
type Guarded = {
  // Anyone may post.
  none: object;
  // A complete session; without one, the sign-in page and back to `path`.
  session: { session: CurrentSession; user: User };
  // This browser's pending sign-in; without one, the sign-in page.
  signin: { challenge: PendingChallenge };
  // This browser's unconfirmed enrolment; without one, MESSAGES.setupExpired.
  enrol: { challenge: PendingChallenge };
};
export type GuardName = keyof Guarded;

type Parsed<Z> = Z extends z.ZodType ? z.output<Z> : undefined;
// What `limits` and `run` get: the guard's finding, the parsed form, the
// request's IP and browser; `run` the previous state too.
export type LimitContext<G extends GuardName, D> = Guarded[G] & {
  data: D;
  formData: FormData;
  request: RequestContext;
};
export type ActionContext<G extends GuardName, D, S> = LimitContext<G, D> & { previous: S };

// What useActionState calls; an action without a schema reads no field, so
// it may be called bare.
export type FormAction<S, Z> = Z extends z.ZodType
  ? (previous: S, formData: FormData) => Promise<S>
  : (previous?: S, formData?: FormData) => Promise<S>;

async function awaitsVerification(userId: string): Promise<boolean> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { emailVerifiedAt: true, twoFactorMethod: true },
  });
  return user !== null && user.emailVerifiedAt === null && user.twoFactorMethod === null;
}

// null: an enrolment guard that refused (the form says so); the other guards redirect.
async function pass<G extends GuardName>(guard: G, path: string): Promise<Guarded[G] | null> {
  // Each branch returns its own guard's shape; TypeScript cannot narrow G.
  const passed = (value: Guarded[GuardName]) => value as Guarded[G];
  if (guard === "session") {
    const session = await getCurrentSession();
    if (!session) redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
    return passed({ session, user: session.user });
  }
  if (guard === "signin") {
    const challenge = await getPendingChallenge("signin");
    if (!challenge) redirect("/login?expired=1");
    return passed({ challenge });
  }
  if (guard === "enrol") {
    const challenge = await getPendingChallenge("enrol");
    if (!challenge || challenge.verified) return null;
    // DESIGN.md §4: a factorless account whose address is unverified reaches nothing but /verify-email.
    if (await awaitsVerification(challenge.userId)) redirect("/verify-email");
    return passed({ challenge });
  }
  return passed({});
}

export function formAction<
  S extends FormState,
  G extends GuardName,
  Z extends z.ZodType | undefined = undefined,
>(options: {
  guard: G;
  // Where the form lives: the way back after signing in, and from the 503 page.
  path: string;
  // A refusal that needs no input (a feature turned off), before the form is read.
  refuse?: (guarded: Guarded[G]) => FormState | undefined;
  schema?: Z | ((guarded: Guarded[G]) => Z);
  // Non-secret fields echoed back in every answer (never a password or code).
  values?: readonly string[] | ((formData: FormData) => Record<string, string>);
  // What the answers made here keep of the previous state (default: nothing).
  base?: (previous: S) => FormState;
  // Claims the action's tries before the work; a refusal says when to retry.
  limits?: (context: LimitContext<G, Parsed<Z>>) => Promise<RateLimitVerdict>;
  // Heavy work waits its turn in `work` from the guard on (the form already
  // read by Next.js), so a burst of it leaves the event loop to page renders;
  // a full queue answers `busyMessage` at once, having done nothing.
  queue?: { work: WorkQueue; busyMessage: string };
  run: (context: ActionContext<G, Parsed<Z>, S>) => Promise<S>;
}): FormAction<S, Z> {
  const { guard, path, refuse, schema, values, base, limits, queue, run } = options;
  const action = async (previous = {} as S, formData = new FormData()): Promise<S> => {
    // Bounded storage: the writers (sign-in, registration, every form) keep
    // the tables pruned, at most once a minute, after the response.
    schedulePrune();
    const echoed =
      typeof values === "function"
        ? { values: values(formData) }
        : values && { values: Object.fromEntries(values.map((name) => [name, formValue(formData, name)])) };
    const start = { ...base?.(previous), ...echoed };
    // S is FormState plus optional fields, so a bare FormState is one.
    const refused = (state: FormState) => ({ ...start, ...state }) as S;
    const answer = () =>
      orUnavailableForm(async () => {
        const guarded = await pass(guard, path);
        if (!guarded) return refused({ message: MESSAGES.setupExpired });
        const refusal = refuse?.(guarded);
        if (refusal) return refused(refusal);
        const formSchema = typeof schema === "function" ? schema(guarded) : schema;
        const parsed = formSchema?.safeParse(Object.fromEntries(formData));
        if (parsed && !parsed.success) return refused({ errors: fieldErrors(parsed.error) });
        const context = {
          ...guarded,
          data: parsed?.data as Parsed<Z>,
          formData,
          previous,
          request: await getRequestContext(),
        };
        const verdict: RateLimitVerdict = limits ? await limits(context) : { ok: true };
        if (!verdict.ok) return refused({ message: retryMessage(verdict.retryAfterSeconds) });
        return { ...(await run(context)), ...echoed };
      }, refused({}));
    if (!queue) return answer();
    const queued = await queue.work.run(answer);
    return queued.admitted ? queued.value : refused({ message: queue.busyMessage });
  };
  return action as FormAction<S, Z>;
}

// An action without form state (sign out, cancel): a database outage sends
// the browser to the 503 page with a way back to `path`; it ends in redirect().
export function pageAction<G extends "none" | "session">(options: {
  guard: G;
  path: string;
  run: (context: Guarded[G] & { request: RequestContext }) => Promise<void>;
}): () => Promise<void> {
  const { guard, path, run } = options;
  return async () => {
    const work = async () => {
      // These guards redirect rather than refuse.
      const guarded = (await pass(guard, path)) as Guarded[G];
      await run({ ...guarded, request: await getRequestContext() });
    };
    await orUnavailablePage(work(), path);
  };
}
