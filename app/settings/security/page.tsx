import type { Metadata } from "next";
import Link from "next/link";
import { env } from "@/lib/server/platform/env";
import { findPendingEmailChange } from "@/lib/server/accounts/email-change";
import { listRecentSecurityEvents } from "@/lib/server/accounts/events";
import { listPasskeys } from "@/lib/server/factors/passkeys";
import { countRecoveryCodesLeft } from "@/lib/server/factors/recovery-codes";
import { describeBrowser, describeIp, maskEmail } from "@/lib/server/platform/request-labels";
import { getPendingReenrolment } from "@/lib/server/factors/reenrolment";
import { requireSession } from "@/lib/server/sign-in/session";
import { RECOVERY_CODE_COUNT } from "@/lib/server/policy";
import { ChangeEmailForm, VerifyEmailButton } from "./email-form";
import { PasswordForm } from "./password-form";
import { ReauthCodeButton } from "./reauth-code-button";
import { ReenrolForm } from "./reenrol-form";
import { RegenerateForm } from "./regenerate-form";
import { CONFIRM_SIGN_OUT_EVERYWHERE, SignOutEverywhere } from "./sign-out-everywhere";
import { AddPasskeyForm } from "./add-passkey-form";
import { DeleteAccountForm } from "./delete-account-form";
import { PasskeyList } from "./passkey-list";
import { AccessTokenList, SessionList } from "./session-list";
import { Section, SecurityEventTable } from "./sections";
import { listLiveSessions } from "@/lib/server/sign-in/sessions";
import { listLiveAccessTokens } from "@/lib/server/tokens/access-tokens";

const METHOD_LABELS: Record<string, string> = {
  totp: "Authenticator app",
  email: "Codes sent by email",
  passkey: "Passkey",
};

export const metadata: Metadata = { title: "Security settings" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SecuritySettingsPage({ searchParams }: Props) {
  const { user, sessionId } = await requireSession("/settings/security");
  const confirmSignOut = (await searchParams).confirm === CONFIRM_SIGN_OUT_EVERYWHERE;
  const emailCodesOff = !env.EMAIL_SECOND_FACTOR;
  const [codesLeft, events, pendingSwitch, pendingEmail, passkeys, sessions, tokens] = await Promise.all([
    countRecoveryCodesLeft(user.id),
    listRecentSecurityEvents(user.id),
    getPendingReenrolment(user),
    findPendingEmailChange(user.id),
    listPasskeys(user.id),
    listLiveSessions(user.id),
    listLiveAccessTokens(user),
  ]);
  // An account whose factor is not an authenticator app is offered one.
  const withoutApp = user.twoFactorMethod === "email" || user.twoFactorMethod === "passkey";
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Security settings</h1>
      <Section
        title="Two-factor authentication"
        description="Every sign-in asks for your password and a code."
      >
        <dl className="grid gap-3 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-slate-500">Status</dt>
            <dd className="font-medium text-emerald-700">On</dd>
          </div>
          <div>
            <dt className="text-slate-500">Method</dt>
            <dd className="font-medium">
              {METHOD_LABELS[user.twoFactorMethod ?? ""] ?? "Authenticator app"}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Recovery codes left</dt>
            <dd className="font-medium">
              {codesLeft} of {RECOVERY_CODE_COUNT}
            </dd>
          </div>
        </dl>
        {user.twoFactorMethod === "email" ? (
          <div className="space-y-3 rounded-md bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-200">
            <p>
              Your codes come by email. Email is a weaker second factor than an authenticator app: anyone who
              can read your email can receive them (NIST SP 800-63B does not accept it as a second factor).
              Setting up an app below is safer.
              {emailCodesOff
                ? " Emailed codes are currently turned off on this server: use a recovery code."
                : ""}
            </p>
            <p>To make a change below, first get a code:</p>
            <ReauthCodeButton />
          </div>
        ) : user.twoFactorMethod === "passkey" ? (
          <div className="space-y-3 text-sm text-slate-600">
            <p>
              Your passkey is your second factor. A change below asks for a current code: use a recovery code
              {emailCodesOff ? "." : ", or get a code by email:"}
            </p>
            {emailCodesOff ? null : <ReauthCodeButton />}
          </div>
        ) : (
          <p className="text-sm text-slate-600">
            {emailCodesOff
              ? "Emailed codes are turned off on this server."
              : "You can also ask for a code by email when you sign in; email is weaker than your app, so keep the app as your main factor."}
          </p>
        )}
      </Section>
      <Section
        title="Email"
        description="Where sign-in codes, reset links and security notices go. A change needs your password and a current code, and takes effect when you enter the code we send to the new address."
      >
        <dl className="grid gap-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-slate-500">Address</dt>
            <dd className="font-medium break-all" data-testid="account-email">
              {user.email}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Status</dt>
            <dd className={`font-medium ${user.emailVerifiedAt ? "text-emerald-700" : "text-amber-700"}`}>
              {user.emailVerifiedAt ? "Verified" : "Not verified"}
            </dd>
          </div>
        </dl>
        {user.emailVerifiedAt ? null : (
          <div className="space-y-3 rounded-md bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-200">
            <p className="font-medium">Your email address is not verified</p>
            <p>
              A password reset needs a verified address: until you verify it, a forgotten password cannot be
              reset by email. We send a code to {user.email}.
            </p>
            <VerifyEmailButton />
          </div>
        )}
        {pendingEmail ? (
          <p className="text-sm text-slate-600">
            A change to {maskEmail(pendingEmail.email)} is waiting for its code.{" "}
            <Link
              href="/verify-email?purpose=change_email"
              className="font-medium text-indigo-700 hover:underline"
            >
              Enter the code
            </Link>
          </p>
        ) : null}
        <ChangeEmailForm />
      </Section>
      <Section
        title="Password"
        description="You need your current password and a current code. Changing it signs out every other session and revokes your access tokens; this browser stays signed in."
      >
        <PasswordForm />
      </Section>
      <Section
        title="Recovery codes"
        description="New codes replace all old ones. You need your password and a current code."
      >
        <RegenerateForm />
      </Section>
      <Section
        title="Passkeys"
        description="Sign in with your fingerprint, face or screen lock instead of a code. Adding or removing a passkey needs your password and a current code."
      >
        <PasskeyList
          passkeys={passkeys.map((passkey) => ({
            id: passkey.id,
            name: passkey.name,
            createdAt: passkey.createdAt.toISOString(),
            lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
            backedUp: passkey.backedUp,
          }))}
        />
        <AddPasskeyForm />
      </Section>
      <Section
        title={withoutApp ? "Use an authenticator app" : "New authenticator app"}
        description={
          withoutApp
            ? `Switch from ${user.twoFactorMethod === "email" ? "emailed codes" : "your passkey"} to an authenticator app. You need your password and a current code.`
            : "Moving to a new phone? Set up the new app here. You need your password and a current code (or a recovery code)."
        }
      >
        <ReenrolForm
          pending={
            pendingSwitch
              ? { qrCodeDataUrl: pendingSwitch.qrCodeDataUrl, setupKey: pendingSwitch.setupKey }
              : null
          }
        />
      </Section>
      <Section
        id="sessions"
        title="Sessions"
        description="Where you are signed in now. Signing out a session ends it at its next request; signing out this browser signs you out here."
      >
        <SessionList
          sessions={sessions.map((session) => ({
            id: session.id,
            browser: describeBrowser(session.userAgent),
            ip: describeIp(session.ip),
            signedInAt: session.createdAt.toISOString(),
            lastSeenAt: session.lastSeenAt.toISOString(),
            current: session.id === sessionId,
          }))}
        />
      </Section>
      <Section
        id="access-tokens"
        title="Access tokens"
        description="Tokens for the API that have not expired. Each sign-in issues one; revoking one refuses it at once. Issuing a new token on the token page revokes the one it replaces."
      >
        <AccessTokenList
          tokens={tokens.map((token) => ({
            jti: token.jti,
            issuedAt: token.issuedAt.toISOString(),
            expiresAt: token.expiresAt.toISOString(),
            lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
          }))}
        />
      </Section>
      <Section
        id="sign-out-everywhere"
        title="Sign out everywhere"
        description="Ends every session on every device, and revokes every access token, including this one."
      >
        <SignOutEverywhere confirming={confirmSignOut} />
      </Section>
      <Section title="Recent security events" description="The last 20 sign-ins, failures and changes.">
        <SecurityEventTable events={events} />
      </Section>
      <Section
        id="delete-account"
        title="Delete account"
        description="Deletes your account and everything in it, for good. You need your password and a current code, then you confirm."
        danger
      >
        <DeleteAccountForm />
      </Section>
    </div>
  );
}
