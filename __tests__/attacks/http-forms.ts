// Posts the app's forms over HTTP the way a browser without JavaScript does:
// React renders hidden inputs ($ACTION_REF_n, $ACTION_n:k, $ACTION_KEY) that
// name the server action, and the browser sends them back as multipart.
const BOUNDARY = "----attack-form-boundary-5c2e9b";
export const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

const ENTITIES: Record<string, string> = { amp: "&", quot: '"', lt: "<", gt: ">", "#x27": "'", "#39": "'" };
const decode = (text: string): string =>
  text.replace(/&(amp|quot|lt|gt|#x27|#39);/g, (_match, name: string) => ENTITIES[name]);

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, name, value] of tag.matchAll(/([\w$:-]+)="([^"]*)"/g)) found[name] = decode(value);
  return found;
}

export type Field = [name: string, value: string];

// The hidden inputs of the first form on the page that has a field `fieldName`.
export function hiddenFields(html: string, fieldName: string): Field[] {
  for (const [form] of html.matchAll(/<form\b[\s\S]*?<\/form>/g)) {
    const inputs = [...form.matchAll(/<input\b[^>]*>/g)].map(([tag]) => attributes(tag));
    if (!inputs.some((input) => input.name === fieldName)) continue;
    return inputs.filter((input) => input.type === "hidden").map((input) => [input.name, input.value ?? ""]);
  }
  throw new Error(`no form with a field "${fieldName}" on the page`);
}

export function multipartBody(fields: Field[]): string {
  const parts = fields.map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return `${parts.join("")}--${BOUNDARY}--\r\n`;
}

export async function formFields(
  origin: string,
  path: string,
  fieldName: string,
  cookie?: string,
): Promise<Field[]> {
  const response = await fetch(`${origin}${path}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
  return hiddenFields(await response.text(), fieldName);
}

export function postForm(
  origin: string,
  path: string,
  fields: Field[],
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${origin}${path}`, {
    method: "POST",
    headers: { origin, "content-type": MULTIPART_TYPE, ...headers },
    body: multipartBody(fields),
    redirect: "manual",
  });
}

// "name=value" of a cookie the response set, or undefined.
export function setCookie(response: Response, name: string): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}
