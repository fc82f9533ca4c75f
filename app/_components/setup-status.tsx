import { cancelSetupAction } from "@/app/setup-2fa/actions";

// The header during 2FA setup: whose setup it is, and a way out that ends the
// half-session (a real form, so it works without JavaScript). Once 2FA is on
// the recovery codes screen leads only to Continue, so Cancel goes.
export function SetupStatus({ username, canCancel }: { username: string; canCancel: boolean }) {
  return (
    <div className="flex items-center gap-4 text-sm">
      <span className="text-slate-500">
        Setting up <span className="font-medium text-slate-900">{username}</span>
      </span>
      {canCancel ? (
        <form action={cancelSetupAction}>
          <button type="submit" className="btn-secondary">
            Cancel
          </button>
        </form>
      ) : null}
    </div>
  );
}
