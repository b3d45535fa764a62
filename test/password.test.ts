import { describe, expect, it } from "vitest";
import { hashPassword, isCurrentPasswordHash, verifyPassword } from "../src/auth/password.ts";

// Reference hashes of "correct horse" made outside Sokudo: by libargon2 (argon2id_hash_encoded)
// and by Python's hashlib.scrypt in the PHC format; the legacy one by Sokudo before the PHC format.
const ARGON2ID_OWASP =
  "$argon2id$v=19$m=19456,t=2,p=1$c29rdWRvLXNhbHQtMTIzNA$mojRg3FuQLUgZmShvxsc4XmKKqBE9zDiyXJ63KoQI2M";
const ARGON2ID_OTHER_PARAMETERS =
  "$argon2id$v=19$m=4096,t=3,p=2$c29rdWRvLXNhbHQtMTIzNA$zK2bELQLm4iaj7kJ2qVo83kP4YoKNOj8Rz7gBH5QW2w";
const SCRYPT_PHC = "$scrypt$ln=10,r=8,p=1$c29rdWRvLXNhbHQtNTY3OA$+x4dYj6Amqwgahkcn8hgdiUV0fO1ejLcKKsQ7Bud/2o";
/** "analytical engine" as Sokudo stored it before: scrypt N=2^14, r=8, p=1. */
const SCRYPT_LEGACY =
  "scrypt$16384$8$1$MLALuDEU2blCLC6ckF6glg==$/jAdhyb6A3BcCOqXZNIcbJ02lP2v0aFAAQIApAs2tbTSj5Z6PY14u17lfXHYOaAqF308g2bSzPeYSNRGPz9lCg==";

describe("password hashes", () => {
  it("verify hashes in every stored format, the algorithm and parameters read from the hash", async () => {
    for (const stored of [ARGON2ID_OWASP, ARGON2ID_OTHER_PARAMETERS, SCRYPT_PHC]) {
      expect(await verifyPassword("correct horse", stored)).toBe(true);
      expect(await verifyPassword("correct horsE", stored)).toBe(false);
    }
    expect(await verifyPassword("analytical engine", SCRYPT_LEGACY)).toBe(true);
    expect(await verifyPassword("analytical engines", SCRYPT_LEGACY)).toBe(false);
  });

  it("refuse a hash in no known format, or too short to mean anything", async () => {
    for (const stored of [
      "",
      "x",
      "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$",
      "$argon2id$v=19$m=19456$c2FsdA$aGFzaA",
    ]) {
      expect(await verifyPassword("correct horse", stored)).toBe(false);
    }
    expect(await verifyPassword("correct horse", "$argon2id$v=19$m=19456,t=2,p=1$c29rdWRvLXNhbHQtMTIzNA$mojR")).toBe(
      false,
    );
  });

  it("make new hashes with argon2id at OWASP's parameters, salted afresh each time", async () => {
    const [first, second] = [await hashPassword("correct horse"), await hashPassword("correct horse")];
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword("correct horse", first)).toBe(true);
  });

  it("call only today's algorithm and parameters current, so logIn replaces the others", async () => {
    expect(isCurrentPasswordHash(await hashPassword("correct horse"))).toBe(true);
    expect(isCurrentPasswordHash(ARGON2ID_OWASP)).toBe(true);
    for (const stored of [ARGON2ID_OTHER_PARAMETERS, SCRYPT_PHC, SCRYPT_LEGACY, "not a hash"]) {
      expect(isCurrentPasswordHash(stored)).toBe(false);
    }
  });
});
