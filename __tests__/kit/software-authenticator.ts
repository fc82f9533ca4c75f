import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";

// A passkey authenticator in software, answering the server's options the way
// a browser with a platform authenticator does (W3C WebAuthn Level 3 §6.1
// authenticator data, §6.5 attested credential data, §8.7 "none"
// attestation), so that jest checks the server's ceremonies against real
// signatures. ES256 keys from node:crypto; CBOR written by hand.

type Cbor = number | string | Uint8Array | Cbor[] | Map<Cbor, Cbor> | { [key: string]: Cbor };

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  const head = Buffer.alloc(length < 0x10000 ? 3 : 5);
  head[0] = (major << 5) | (length < 0x10000 ? 25 : 26);
  if (length < 0x10000) head.writeUInt16BE(length, 1);
  else head.writeUInt32BE(length, 1);
  return head;
}

// RFC 8949 §3: the subset WebAuthn needs (integers, byte and text strings,
// arrays, maps), definite lengths only.
export function encodeCbor(value: Cbor): Buffer {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error("encodeCbor: integers only");
    return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  }
  if (typeof value === "string") {
    const bytes = Buffer.from(value, "utf8");
    return Buffer.concat([cborHead(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([cborHead(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([cborHead(4, value.length), ...value.map(encodeCbor)]);
  const entries: [Cbor, Cbor][] = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Buffer.concat([
    cborHead(5, entries.length),
    ...entries.flatMap(([k, v]) => [encodeCbor(k), encodeCbor(v)]),
  ]);
}

const FLAGS = { up: 0x01, uv: 0x04, be: 0x08, bs: 0x10, at: 0x40 } as const;

export type HeldCredential = {
  id: Buffer;
  rpId: string;
  // base64url, as the options gave it.
  userHandle: string;
  privateKey: KeyObject;
  coseKey: Buffer;
  counter: number;
};

// What a test can make the authenticator (or the browser around it) do wrong.
export type AuthenticatorKnobs = {
  // Whether it verified the user (PIN, biometrics); default true.
  userVerified?: boolean;
  // The page's origin the browser reports; default the authenticator's origin.
  origin?: string;
  // The RP ID whose hash goes into the authenticator data; default the options'.
  rpId?: string;
  // The signature counter to report (and keep); default the last one plus 1.
  counter?: number;
  // Backup eligible and backed up (a synced passkey); default false.
  backedUp?: boolean;
  // Which held credential answers a discoverable request; default the newest.
  credentialId?: string;
  // The AAGUID a registration reports (a passkey provider's, as a UUID); default all zeros.
  aaguid?: string;
};

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string): Buffer => createHash("sha256").update(data).digest();

function clientData(type: "webauthn.create" | "webauthn.get", challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), "utf8");
}

function authenticatorData(rpId: string, flags: number, counter: number, attested?: Buffer): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(counter);
  return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
}

export class SoftwareAuthenticator {
  readonly credentials: HeldCredential[] = [];

  constructor(readonly origin: string = new URL(process.env.APP_URL ?? "http://localhost:3000").origin) {}

  private flags(knobs: AuthenticatorKnobs): number {
    return (
      FLAGS.up | (knobs.userVerified === false ? 0 : FLAGS.uv) | (knobs.backedUp ? FLAGS.be | FLAGS.bs : 0)
    );
  }

  // navigator.credentials.create(): a new ES256 credential, "none" attestation.
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    knobs: AuthenticatorKnobs = {},
  ): RegistrationResponseJSON {
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    const excluded = new Set((options.excludeCredentials ?? []).map((credential) => credential.id));
    if (this.credentials.some((held) => held.rpId === rpId && excluded.has(b64url(held.id))))
      throw new Error("InvalidStateError: this authenticator already holds a credential for this account");
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const coseKey = encodeCbor(
      new Map<Cbor, Cbor>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x ?? "", "base64url")],
        [-3, Buffer.from(jwk.y ?? "", "base64url")],
      ]),
    );
    const id = randomBytes(16);
    const counter = knobs.counter ?? 1;
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const aaguid = knobs.aaguid ? Buffer.from(knobs.aaguid.replace(/-/g, ""), "hex") : Buffer.alloc(16);
    const attested = Buffer.concat([aaguid, idLength, id, coseKey]);
    const authData = authenticatorData(knobs.rpId ?? rpId, this.flags(knobs) | FLAGS.at, counter, attested);
    this.credentials.push({ id, rpId, userHandle: options.user.id, privateKey, coseKey, counter });
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientData("webauthn.create", options.challenge, knobs.origin ?? this.origin)),
        attestationObject: b64url(encodeCbor({ fmt: "none", attStmt: {}, authData })),
        authenticatorData: b64url(authData),
        publicKey: b64url(publicKey.export({ format: "der", type: "spki" })),
        publicKeyAlgorithm: -7,
        transports: ["internal", "hybrid"],
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }

  // navigator.credentials.get(): signs authenticatorData || SHA-256(clientDataJSON).
  authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    knobs: AuthenticatorKnobs = {},
  ): AuthenticationResponseJSON {
    const rpId = options.rpId ?? new URL(this.origin).hostname;
    const allowed = (options.allowCredentials ?? []).map((credential) => credential.id);
    const candidates = this.credentials.filter(
      (held) =>
        held.rpId === rpId &&
        (allowed.length === 0 || allowed.includes(b64url(held.id))) &&
        (knobs.credentialId === undefined || b64url(held.id) === knobs.credentialId),
    );
    const credential = candidates.at(-1);
    if (!credential) throw new Error("NotAllowedError: no credential of this authenticator was asked for");
    credential.counter = knobs.counter ?? credential.counter + 1;
    const authData = authenticatorData(knobs.rpId ?? rpId, this.flags(knobs), credential.counter);
    const clientDataJSON = clientData("webauthn.get", options.challenge, knobs.origin ?? this.origin);
    const signature = sign(
      "sha256",
      Buffer.concat([authData, sha256(clientDataJSON)]),
      credential.privateKey,
    );
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }
}
