import { createCipheriv, createDecipheriv, randomFillSync } from "node:crypto";
import { VaultOpenError } from "./errors";

export const FORMAT_VERSION = "xv1";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
// 12 bytes are 16 base64url characters; the smallest ciphertext (an empty plaintext) is the 16-byte tag.
const SEALED_PATTERN = /^xv1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

export type SealScope = { tenantId: string; recordId: string; purpose?: string };

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
  // One allocation: this runs on every seal and open.
  let size = 0;
  for (const field of fields) size += 4 + Buffer.byteLength(field, "utf8");
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const field of fields) {
    const written = out.write(field, offset + 4, "utf8");
    out.writeUInt32BE(written, offset);
    offset += 4 + written;
  }
  return out;
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
    return Buffer.concat([
      decipher.update(box.subarray(NONCE_BYTES, -TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    return null;
  }
}

/** Binds a sealed value to its format, tenant, record and purpose: a copy elsewhere fails to open. */
export function recordAssociatedData(scope: SealScope): Buffer {
  return associatedData(
    FORMAT_VERSION,
    "record",
    scope.tenantId,
    scope.recordId,
    scope.purpose ?? "",
  );
}

export function sealRecord(dataKey: Uint8Array, scope: SealScope, plaintext: Uint8Array): string {
  return formatSealed(aeadSeal(dataKey, plaintext, recordAssociatedData(scope)));
}

export function openRecord(dataKey: Uint8Array, scope: SealScope, sealed: string): Buffer {
  const box = parseSealed(sealed);
  if (box === null) throw new VaultOpenError(`sealed value is not in the ${FORMAT_VERSION} format`);
  const plaintext = aeadOpen(dataKey, box, recordAssociatedData(scope));
  if (plaintext === null) throw new VaultOpenError();
  return plaintext;
}

export function formatSealed(box: Uint8Array): string {
  const bytes = Buffer.from(box.buffer, box.byteOffset, box.byteLength);
  const nonce = bytes.subarray(0, NONCE_BYTES).toString("base64url");
  return `${FORMAT_VERSION}.${nonce}.${bytes.subarray(NONCE_BYTES).toString("base64url")}`;
}

/** nonce ‖ ciphertext ‖ tag of `xv1.<nonce>.<ciphertext+tag>`, or null for anything else. */
export function parseSealed(sealed: unknown): Buffer | null {
  if (typeof sealed !== "string") return null;
  const match = SEALED_PATTERN.exec(sealed);
  if (!match) return null;
  // The nonce's 16 characters are whole base64 quanta, so nonce and body decode as one string.
  const text = match[1]! + match[2]!;
  const box = Buffer.from(text, "base64url");
  // Canonical only: one sealed value has exactly one spelling.
  if (box.toString("base64url") !== text || box.length < NONCE_BYTES + TAG_BYTES) return null;
  return box;
}
