// Signs in through the app's forms the way a browser without JavaScript
// does, with the form reading and posting the jest suites use.
import { generate } from "otplib";
import {
  formFields,
  MULTIPART_TYPE,
  multipartBody,
  postForm,
  setCookie,
} from "../__tests__/kit/no-js-forms.mjs";

export { MULTIPART_TYPE, multipartBody, formFields as fetchHiddenFields };

function cookieFrom(response, name) {
  const pair = setCookie(response, name)?.split(";")[0];
  if (!pair) throw new Error(`the response set no ${name} cookie (status ${response.status})`);
  return pair;
}

// Password, then authenticator code, as a person would: returns the
// complete session cookie ("authjs.session-token=...").
export async function signInFully(origin, { identifier, password, totpSecret, clientIp }) {
  const headers = { "x-forwarded-for": clientIp };
  const loginFields = await formFields(origin, "/login", "identifier");
  // The form's hidden callbackUrl is /dashboard, so the code step ends there.
  const fields = [...loginFields, ["identifier", identifier], ["password", password]];
  const login = await postForm(origin, "/login", fields, headers);
  if (login.status !== 303) throw new Error(`the password step answered ${login.status}`);
  const challenge = cookieFrom(login, "2fa-challenge");

  const verifyPath = login.headers.get("location");
  const verifyFields = await formFields(origin, verifyPath, "code", challenge);
  const code = await generate({ secret: totpSecret, algorithm: "sha1", digits: 6, period: 30 });
  const verify = await postForm(origin, verifyPath, [...verifyFields, ["code", code]], {
    ...headers,
    cookie: challenge,
  });
  if (verify.status !== 303) throw new Error(`the code step answered ${verify.status}`);
  return cookieFrom(verify, "authjs.session-token");
}
