"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/app/_components/form";
import { LocalTime } from "@/app/_components/local-time";
import { endSessionAction, revokeAccessTokenAction, type RevokeState } from "./session-actions";

// What the page gives the lists: labels made on the server (browser and OS as
// a person reads them, the IP), times as ISO strings shown in the viewer's zone.
export type SessionItem = {
  id: string;
  browser: string;
  ip: string;
  signedInAt: string;
  lastSeenAt: string;
  current: boolean;
};
export type AccessTokenItem = { jti: string; issuedAt: string; expiresAt: string; lastUsedAt: string | null };

const initialState: RevokeState = {};

// One form per session, each a plain post with the session's id: works
// without JavaScript. Signing out this browser's own session ends in /login.
export function SessionList({ sessions }: { sessions: SessionItem[] }) {
  const [state, action] = useActionState(endSessionAction, initialState);
  return (
    <div className="space-y-3">
      <FormMessage tone={state.done ? "info" : "error"} message={state.message} />
      <ul className="divide-y divide-slate-100">
        {sessions.map((session) => (
          <li key={session.id} data-testid="session" className="flex flex-wrap items-center gap-3 py-3">
            <div className="min-w-48 flex-1 space-y-1 text-sm">
              <p className="font-medium">
                {session.browser}
                {session.current ? (
                  <span className="ml-2 rounded bg-indigo-50 px-1.5 text-xs text-indigo-800">
                    This browser
                  </span>
                ) : null}
              </p>
              <p className="text-slate-600">
                {session.ip} · Signed in <LocalTime iso={session.signedInAt} /> · Last seen{" "}
                <LocalTime iso={session.lastSeenAt} />
              </p>
            </div>
            <form action={action}>
              <input type="hidden" name="sessionId" value={session.id} />
              <SubmitButton variant="secondary">Sign out</SubmitButton>
            </form>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function AccessTokenList({ tokens }: { tokens: AccessTokenItem[] }) {
  const [state, action] = useActionState(revokeAccessTokenAction, initialState);
  return (
    <div className="space-y-3">
      <FormMessage tone={state.done ? "info" : "error"} message={state.message} />
      {tokens.length === 0 ? (
        <p className="text-sm text-slate-500">No live access tokens.</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {tokens.map((token) => (
            <li
              key={token.jti}
              data-testid="access-token-row"
              data-jti={token.jti}
              className="flex flex-wrap items-center gap-3 py-3"
            >
              <div className="min-w-48 flex-1 space-y-1 text-sm">
                <p className="font-mono text-xs break-all text-slate-700">{token.jti}</p>
                <p className="text-slate-600">
                  Issued <LocalTime iso={token.issuedAt} /> · Expires <LocalTime iso={token.expiresAt} /> ·{" "}
                  {token.lastUsedAt ? (
                    <>
                      Last used <LocalTime iso={token.lastUsedAt} />
                    </>
                  ) : (
                    "Never used"
                  )}
                </p>
              </div>
              <form action={action}>
                <input type="hidden" name="jti" value={token.jti} />
                <SubmitButton variant="secondary">Revoke</SubmitButton>
              </form>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
