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
// its first six parameters it declares (bits 6..1; bit 0: more than six).
// The arguments a call must carry: as many as the action declares, or any
// number for an action that declares none. Fewer leave its FormData
// undefined, a TypeError (a 500) inside the action.
export function argumentCountFits(actionId: string, count: number): boolean {
  if (!/^[0-9a-f]{42}$/.test(actionId)) return false;
  const info = parseInt(actionId.slice(0, 2), 16);
  if (info & 0x1) return true;
  let declared = 0;
  for (let index = 0; index < 6; index++) if ((info >> (6 - index)) & 0x1) declared = index + 1;
  return declared === 0 || count === declared;
}

// Every action of this app is a form's: called with JavaScript (a
// `Next-Action` header) React posts it as multipart, with the argument list
// in field "0" ending in the FormData ([formData] or [previousState,
// formData]). Any other body is not one of the app's calls.
export async function isMalformedActionCall(request: Request): Promise<boolean> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) return true;
  let form: FormData;
  try {
    form = await request.clone().formData();
  } catch {
    return true;
  }
  const actionId = request.headers.get("next-action") ?? "";
  const model = form.get("0");
  if (typeof model !== "string") return true;
  const args = parseJson(model);
  if (!Array.isArray(args) || args.length < 1 || args.length > 2) return true;
  const last = args[args.length - 1];
  if (typeof last !== "string" || !/^\$K[0-9a-f]{1,8}$/.test(last)) return true;
  return !argumentCountFits(actionId, args.length) || !isPlainReplyModel(args);
}
