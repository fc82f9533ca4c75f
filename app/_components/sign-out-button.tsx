import { signOutAction } from "./sign-out-action";

export function SignOutButton() {
  return (
    <form action={signOutAction}>
      <button type="submit" className="btn-secondary">
        Sign out
      </button>
    </form>
  );
}
