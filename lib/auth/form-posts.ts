// Edge-safe: imported by middleware.ts. Cheap checks of a post to a page (a
// server action) that Next.js would otherwise answer with a 500 and a stack
// trace in the log.

// Next.js's default serverActions.bodySizeLimit: past it, Next.js throws
// "Body exceeded 1 MB limit" (a 500).
export const MAX_FORM_BODY_BYTES = 1024 * 1024;

// 413 for a body over the limit, 400 for a length that is not a number, null
// when it fits. A declared length is trusted (the server reads no more than
// it); a streamed body is counted as it arrives, and only up to the limit.
export async function bodySizeStatus(request: Request): Promise<400 | 413 | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    if (!/^\d{1,15}$/.test(declared.trim())) return 400;
    return Number(declared) > MAX_FORM_BODY_BYTES ? 413 : null;
  }
  if (!request.body) return null;
  const reader = request.clone().body?.getReader();
  if (!reader) return null;
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return null;
    size += value.byteLength;
    if (size > MAX_FORM_BODY_BYTES) {
      await reader.cancel();
      return 413;
    }
  }
}

// A model React's decodeReply reads (the arguments of an action call, or
// the bound arguments of a form rendered without JavaScript) limited to what
// this app's forms send: plain JSON, the escaped "$$…" string, the few
// "$"-tagged primitives, and "$K<n>" (the posted FormData). Anything else
// refers to another part of the body (promises, maps, blobs, server
// references, outlined models) and is how a crafted body makes React throw.
const PLAIN_TAG = /^\$(?:\$|K[0-9a-f]{1,8}$|undefined$|NaN$|-?Infinity$|-0$|n-?\d{1,40}$|D[\d:.TZ+-]{1,40}$)/;
const MAX_DEPTH = 16;
const MAX_NODES = 10_000;

export function isPlainReplyModel(value: unknown): boolean {
  let nodes = 0;
  const walk = (node: unknown, depth: number): boolean => {
    nodes += 1;
    if (nodes > MAX_NODES || depth > MAX_DEPTH) return false;
    if (typeof node === "string") return !node.startsWith("$") || PLAIN_TAG.test(node);
    if (node === null || typeof node !== "object") return true;
    return Object.values(node).every((child) => walk(child, depth + 1));
  };
  return walk(value, 0);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// Next.js names an action by 42 hex digits whose first byte says which of
// its first six parameters it declares (bits 6..1; bit 0: more than six);
// its client drops the arguments an action does not declare. null for what
// is not an action id.
function declaredArguments(actionId: string): number | null {
  if (!/^[0-9a-f]{42}$/.test(actionId)) return null;
  const info = parseInt(actionId.slice(0, 2), 16);
  if (info & 0x1) return Infinity;
  let declared = 0;
  for (let index = 0; index < 6; index++) if ((info >> (6 - index)) & 0x1) declared = index + 1;
  return declared;
}

// Whether a call with `count` arguments fits the action: as many as it
// declares, or any number for one that declares none. Fewer leave its
// FormData undefined, a TypeError (a 500) inside the action.
export function argumentCountFits(actionId: string, count: number): boolean {
  const declared = declaredArguments(actionId);
  return declared !== null && (declared === 0 || declared === Infinity || count === declared);
}

const FORM_DATA_ARGUMENT = /^\$K[0-9a-f]{1,8}$/;

// An action called with JavaScript (a `Next-Action` header): React posts its
// argument list as text (an action that declares none gets "[]") or, when it
// holds a FormData, as multipart with the list in field "0". Every action of
// this app that takes arguments is a form's, so its last one is the FormData.
// It reads the request's body, not a clone: Next.js hands middleware a copy of
// the body of its own, and cloning it again (a tee) cost more than parsing it.
export async function isMalformedActionCall(request: Request): Promise<boolean> {
  const actionId = request.headers.get("next-action") ?? "";
  const declared = declaredArguments(actionId);
  if (declared === null) return true;
  const type = request.headers.get("content-type") ?? "";
  let model: FormDataEntryValue | null;
  try {
    if (type.startsWith("multipart/form-data")) model = (await request.formData()).get("0");
    else if (type.startsWith("text/plain")) model = await request.text();
    else return true;
  } catch {
    return true;
  }
  if (typeof model !== "string") return true;
  const args = parseJson(model);
  if (!Array.isArray(args) || !isPlainReplyModel(args)) return true;
  if (declared === 0 || declared === Infinity) return false;
  const last = args[args.length - 1];
  return args.length !== declared || typeof last !== "string" || !FORM_DATA_ARGUMENT.test(last);
}
