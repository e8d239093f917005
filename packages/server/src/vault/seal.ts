import { createCipheriv, createDecipheriv, randomFillSync } from "node:crypto";
import { VaultOpenError } from "./errors";

/** What the vault seals: `xv2.<data key version>.<nonce>.<ciphertext+tag>`, base64url. */
export const FORMAT_VERSION = "xv2";
/** The first format, `xv1.<nonce>.<ciphertext+tag>`: still opened (under data key version 1), never sealed. */
export const LEGACY_FORMAT_VERSION = "xv1";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
// 12 bytes are exactly 16 base64url characters, with no spare bits.
const NONCE_CHARS = 16;
const DOT = 0x2e;
const MAX_VERSION_DIGITS = 9;
// The low bits of the last character that carry no data, by the text's length modulo 4.
const SPARE_BITS = [0, 0, 0b1111, 0b11];

export type SealScope = {
  tenantId: string;
  recordId: string;
  purpose?: string;
  /**
   * The rest of what the value belongs to, bound by xv2 (xv1 bound tenant, record and purpose
   * only): a connection's provider, visibility, owner and the epoch stored beside it. Opening
   * needs the same list, so a value moved to another owner or put back over a newer one fails.
   */
  bindings?: readonly string[];
};

/** A sealed value taken apart: which data key version opens it, and nonce ‖ ciphertext ‖ tag. */
export type SealedParts = { format: string; dataKeyVersion: number; box: Buffer };

const NO_FIELDS: readonly string[] = [];

// Nonces are public and need only never repeat, so they are cut from a pool of CSPRNG output
// refilled 1,024 nonces at a time (as Node's randomUUID caches its entropy): one system call
// per 1,024 seals, and each 12-byte slice is handed out exactly once.
const noncePool = Buffer.alloc(NONCE_BYTES * 1024);
let noncePoolOffset = noncePool.length;

/**
 * A fresh random 96-bit nonce per message. Each tenant has its own data key, so one key stays
 * far below NIST SP 800-38D's limit of 2^32 messages with random nonces.
 */
export function generateNonce(): Buffer {
  if (noncePoolOffset === noncePool.length) {
    randomFillSync(noncePool);
    noncePoolOffset = 0;
  }
  noncePoolOffset += NONCE_BYTES;
  return Buffer.from(noncePool.subarray(noncePoolOffset - NONCE_BYTES, noncePoolOffset));
}

/** Length-prefixed fields, so ("ab", "c") and ("a", "bc") never encode alike. */
export function associatedData(...fields: string[]): Buffer {
  return encodeFields(fields, NO_FIELDS);
}

// One allocation: this runs on every seal and open.
function encodeFields(fields: readonly string[], more: readonly string[]): Buffer {
  let size = 0;
  for (const field of fields) size += 4 + Buffer.byteLength(field, "utf8");
  for (const field of more) size += 4 + Buffer.byteLength(field, "utf8");
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const field of fields) offset = writeField(out, offset, field);
  for (const field of more) offset = writeField(out, offset, field);
  return out;
}

function writeField(out: Buffer, offset: number, field: string): number {
  const written = out.write(field, offset + 4, "utf8");
  out.writeUInt32BE(written, offset);
  return offset + 4 + written;
}

/** AES-256-GCM; returns nonce ‖ ciphertext ‖ tag. */
export function aeadSeal(key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Buffer {
  const nonce = generateNonce();
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(ad);
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** The plaintext of nonce ‖ ciphertext ‖ tag, or null when it does not authenticate. */
export function aeadOpen(key: Uint8Array, box: Uint8Array, ad: Uint8Array): Buffer | null {
  if (box.length < NONCE_BYTES + TAG_BYTES) return null;
  const nonce = box.subarray(0, NONCE_BYTES);
  const tag = box.subarray(box.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(ad);
  decipher.setAuthTag(tag);
  try {
    // GCM is a stream mode: update() returns every byte, final() only checks the tag.
    const plaintext = decipher.update(box.subarray(NONCE_BYTES, -TAG_BYTES));
    decipher.final();
    return plaintext;
  } catch {
    return null;
  }
}

/**
 * Binds a sealed value to its format, tenant, record, purpose and (xv2) bindings: a copy
 * elsewhere fails to open.
 */
export function recordAssociatedData(format: string, scope: SealScope): Buffer {
  const head = [format, "record", scope.tenantId, scope.recordId, scope.purpose ?? ""];
  return encodeFields(head, format === FORMAT_VERSION ? (scope.bindings ?? NO_FIELDS) : NO_FIELDS);
}

export function sealRecord(
  dataKey: { version: number; key: Uint8Array },
  scope: SealScope,
  plaintext: Uint8Array,
): string {
  const box = aeadSeal(dataKey.key, plaintext, recordAssociatedData(FORMAT_VERSION, scope));
  return formatSealed(dataKey.version, box);
}

export function openRecord(dataKey: Uint8Array, scope: SealScope, sealed: SealedParts): Buffer {
  const plaintext = aeadOpen(dataKey, sealed.box, recordAssociatedData(sealed.format, scope));
  if (plaintext === null) throw new VaultOpenError();
  return plaintext;
}

export function formatSealed(dataKeyVersion: number, box: Uint8Array): string {
  const bytes = Buffer.from(box.buffer, box.byteOffset, box.byteLength);
  const nonce = bytes.subarray(0, NONCE_BYTES).toString("base64url");
  const body = bytes.subarray(NONCE_BYTES).toString("base64url");
  return `${FORMAT_VERSION}.${dataKeyVersion}.${nonce}.${body}`;
}

/**
 * The parts of an xv2 (or xv1) sealed value, or null for anything else. No regular expression
 * and no re-encoding: this runs on every open, so canonical base64url (one spelling per value)
 * is checked by length, alphabet and spare bits instead.
 */
export function parseSealed(sealed: unknown): SealedParts | null {
  if (typeof sealed !== "string") return null;
  let format: string;
  let dataKeyVersion = 1;
  let nonceStart = 4;
  if (sealed.startsWith("xv2.")) {
    format = FORMAT_VERSION;
    nonceStart = sealed.indexOf(".", 4) + 1;
    dataKeyVersion = parseVersion(sealed, 4, nonceStart - 1);
    if (dataKeyVersion === 0) return null;
  } else if (sealed.startsWith("xv1.")) {
    format = LEGACY_FORMAT_VERSION;
  } else {
    return null;
  }
  const bodyStart = nonceStart + NONCE_CHARS + 1;
  if (sealed.charCodeAt(bodyStart - 1) !== DOT) return null;
  const bodyBytes = decodedLength(sealed.length - bodyStart);
  if (bodyBytes < TAG_BYTES) return null;
  const nonce = sealed.slice(nonceStart, bodyStart - 1);
  const body = sealed.slice(bodyStart);
  if (!isCanonicalBase64url(nonce) || !isCanonicalBase64url(body)) return null;
  const box = Buffer.allocUnsafe(NONCE_BYTES + bodyBytes);
  // Node skips characters outside the alphabet and stops at "=": either way fewer bytes.
  if (box.write(nonce, 0, "base64url") !== NONCE_BYTES) return null;
  if (box.write(body, NONCE_BYTES, "base64url") !== bodyBytes) return null;
  return { format, dataKeyVersion, box };
}

/** A positive decimal without a leading zero, or 0. */
function parseVersion(text: string, start: number, end: number): number {
  if (end <= start || end - start > MAX_VERSION_DIGITS || text.charCodeAt(start) === 0x30) return 0;
  let version = 0;
  for (let index = start; index < end; index++) {
    const digit = text.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return 0;
    version = version * 10 + digit;
  }
  return version;
}

/** Bytes in `chars` unpadded base64url characters; -1 for a length no encoding produces. */
function decodedLength(chars: number): number {
  const remainder = chars % 4;
  if (remainder === 1) return -1;
  return (chars - remainder) * 0.75 + (remainder === 0 ? 0 : remainder - 1);
}

// Node also decodes "+" and "/" (base64's alphabet) and ignores spare low bits of the last
// character: both would give one value several spellings.
function isCanonicalBase64url(text: string): boolean {
  if (text.includes("+") || text.includes("/")) return false;
  const spareBits = SPARE_BITS[text.length % 4]!;
  return spareBits === 0 || (base64urlValue(text.charCodeAt(text.length - 1)) & spareBits) === 0;
}

function base64urlValue(code: number): number {
  if (code >= 0x41 && code <= 0x5a) return code - 0x41; // A-Z
  if (code >= 0x61 && code <= 0x7a) return code - 0x61 + 26; // a-z
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 52; // 0-9
  return code === 0x2d ? 62 : 63; // "-", "_" (anything else fails to decode to full length)
}
