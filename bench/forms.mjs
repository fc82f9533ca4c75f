// Posts the app's forms the way a browser without JavaScript does: the
// server action is named by React's hidden progressive-enhancement inputs
// ($ACTION_REF_n, $ACTION_n:k, $ACTION_KEY), sent back as multipart/form-data.
import { generate } from "otplib";

const BOUNDARY = "----bench-form-boundary-7d1f3a";
export const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

const ENTITIES = { amp: "&", quot: '"', lt: "<", gt: ">", "#x27": "'", "#39": "'" };
const decode = (text) => text.replace(/&(amp|quot|lt|gt|#x27|#39);/g, (_, name) => ENTITIES[name]);

function attributes(tag) {
  const found = {};
  for (const [, name, value] of tag.matchAll(/([\w$:-]+)="([^"]*)"/g)) found[name] = decode(value);
  return found;
}

// The hidden inputs of the first form on the page that has a field `fieldName`.
export function hiddenFields(html, fieldName) {
  for (const [form] of html.matchAll(/<form\b[\s\S]*?<\/form>/g)) {
    const inputs = [...form.matchAll(/<input\b[^>]*>/g)].map(([tag]) => attributes(tag));
    if (!inputs.some((input) => input.name === fieldName)) continue;
    return inputs.filter((input) => input.type === "hidden").map((input) => [input.name, input.value ?? ""]);
  }
  throw new Error(`no form with a field "${fieldName}" on the page`);
}

export function multipartBody(fields) {
  const parts = fields.map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return Buffer.from(`${parts.join("")}--${BOUNDARY}--\r\n`);
}

export async function fetchHiddenFields(origin, path, fieldName, cookie) {
  const response = await fetch(`${origin}${path}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
  return hiddenFields(await response.text(), fieldName);
}

async function postForm(origin, path, fields, headers) {
  return fetch(`${origin}${path}`, {
    method: "POST",
    headers: { origin, "content-type": MULTIPART_TYPE, ...headers },
    body: multipartBody(fields),
    redirect: "manual",
  });
}

function cookieFrom(response, name) {
  const pair = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .find((entry) => entry.startsWith(`${name}=`));
  if (!pair) throw new Error(`the response set no ${name} cookie (status ${response.status})`);
  return pair;
}

// Password, then authenticator code, as a person would: returns the
// complete session cookie ("authjs.session-token=...").
export async function signInFully(origin, { identifier, password, totpSecret, clientIp }) {
  const headers = { "x-forwarded-for": clientIp };
  const loginFields = await fetchHiddenFields(origin, "/login", "identifier");
  // The form's hidden callbackUrl is /dashboard, so the code step ends there.
  const fields = [...loginFields, ["identifier", identifier], ["password", password]];
  const login = await postForm(origin, "/login", fields, headers);
  if (login.status !== 303) throw new Error(`the password step answered ${login.status}`);
  const challenge = cookieFrom(login, "2fa-challenge");

  const verifyPath = login.headers.get("location");
  const verifyFields = await fetchHiddenFields(origin, verifyPath, "code", challenge);
  const code = await generate({ secret: totpSecret, algorithm: "sha1", digits: 6, period: 30 });
  const verify = await postForm(origin, verifyPath, [...verifyFields, ["code", code]], {
    ...headers,
    cookie: challenge,
  });
  if (verify.status !== 303) throw new Error(`the code step answered ${verify.status}`);
  return cookieFrom(verify, "authjs.session-token");
}
