// Posts the app's forms over HTTP the way a browser without JavaScript does:
// React renders hidden inputs ($ACTION_REF_n, $ACTION_n:k, $ACTION_KEY or
// $ACTION_ID_...) that name the server action, and the browser sends them
// back as multipart/form-data. Plain JavaScript so that bench/ (plain node)
// and the jest suites share it.

/** @typedef {[name: string, value: string]} Field */

const BOUNDARY = "----no-js-form-boundary-5c2e9b";
export const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** @type {Record<string, string>} */
const ENTITIES = { amp: "&", quot: '"', lt: "<", gt: ">", "#x27": "'", "#39": "'" };
/** @param {string} text */
export const decodeEntities = (text) =>
  text.replace(/&(amp|quot|lt|gt|#x27|#39);/g, (_match, /** @type {string} */ name) => ENTITIES[name]);

/**
 * The forms of a page, each with its inputs' attributes (entities decoded).
 * @param {string} html
 * @returns {{ markup: string; inputs: Record<string, string>[] }[]}
 */
export function formsOf(html) {
  return [...html.matchAll(/<form\b[\s\S]*?<\/form>/g)].map(([markup]) => ({
    markup,
    inputs: [...markup.matchAll(/<input\b[^>]*>/g)].map(([tag]) =>
      Object.fromEntries(
        [...tag.matchAll(/([\w$:-]+)="([^"]*)"/g)].map(([, k, v]) => [k, decodeEntities(v)]),
      ),
    ),
  }));
}

/**
 * The hidden inputs of the first form on the page that has a field `fieldName`.
 * @param {string} html
 * @param {string} fieldName
 * @returns {Field[]}
 */
export function hiddenFields(html, fieldName) {
  for (const { inputs } of formsOf(html)) {
    if (!inputs.some((input) => input.name === fieldName)) continue;
    return inputs.filter((input) => input.type === "hidden").map((input) => [input.name, input.value ?? ""]);
  }
  throw new Error(`no form with a field "${fieldName}" on the page`);
}

/**
 * @param {Field[]} fields
 * @returns {string}
 */
export function multipartBody(fields) {
  const parts = fields.map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return `${parts.join("")}--${BOUNDARY}--\r\n`;
}

/**
 * GETs `path` and returns the hidden inputs of its form with a field `fieldName`.
 * @param {string} origin
 * @param {string} path
 * @param {string} fieldName
 * @param {string} [cookie]
 * @returns {Promise<Field[]>}
 */
export async function formFields(origin, path, fieldName, cookie) {
  const response = await fetch(`${origin}${path}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
  return hiddenFields(await response.text(), fieldName);
}

/**
 * @param {string} origin
 * @param {string} path
 * @param {Field[]} fields
 * @param {Record<string, string>} [headers]
 * @returns {Promise<Response>}
 */
export function postForm(origin, path, fields, headers = {}) {
  return fetch(`${origin}${path}`, {
    method: "POST",
    headers: { origin, "content-type": MULTIPART_TYPE, ...headers },
    body: multipartBody(fields),
    redirect: "manual",
  });
}

/**
 * The Set-Cookie line for cookie `name` the response set, or undefined.
 * @param {Response} response
 * @param {string} name
 * @returns {string | undefined}
 */
export function setCookie(response, name) {
  return response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

/**
 * The sign-in form's fields: its hidden inputs, then the name and password.
 * @param {Field[]} hidden
 * @param {string} identifier
 * @param {string} password
 * @returns {Field[]}
 */
export const passwordStepFields = (hidden, identifier, password) => [
  ...hidden,
  ["identifier", identifier],
  ["password", password],
];

/**
 * The password step of a sign-in: GETs /login and posts its form.
 * @param {string} origin
 * @param {string} identifier
 * @param {string} password
 * @param {Record<string, string>} [headers]
 * @returns {Promise<Response>}
 */
export async function postPassword(origin, identifier, password, headers = {}) {
  const hidden = await formFields(origin, "/login", "identifier");
  return postForm(origin, "/login", passwordStepFields(hidden, identifier, password), headers);
}

/**
 * The code step at `verifyPath` (where the password step redirected), as
 * the browser holding the challenge cookie in `headers.cookie`.
 * @param {string} origin
 * @param {string} verifyPath
 * @param {string} code
 * @param {Record<string, string>} headers
 * @returns {Promise<Response>}
 */
export async function postCode(origin, verifyPath, code, headers) {
  const hidden = await formFields(origin, verifyPath, "code", headers.cookie);
  return postForm(origin, verifyPath, [...hidden, ["code", code]], headers);
}
