import { describe, expect, it } from "vitest";
import { detectCards, luhnValid } from "./detect-cards.ts";
import { detectCryptoAddresses } from "./detect-crypto-addresses.ts";
import { detectDatesOfBirth } from "./detect-dates-of-birth.ts";
import { detectEmails } from "./detect-emails.ts";
import { detectIbans, ibanValid } from "./detect-ibans.ts";
import { detectIpAddresses } from "./detect-ip-addresses.ts";
import { detectNationalIds, detectSsns } from "./detect-national-ids.ts";
import { detectPhones } from "./detect-phones.ts";
import { detectPii } from "./detect-pii.ts";
import { detectSecrets } from "./detect-secrets.ts";
import { detectUrls } from "./detect-urls.ts";
import { values } from "./test-helpers.ts";

describe("detectEmails", () => {
  it("finds addresses, internationalised ones included, without trailing punctuation", () => {
    const text = "Write to jane.doe+news@example.co.uk, or to José.Núñez@correo.es. Thanks";
    expect(values(detectEmails(text), "EMAIL")).toEqual([
      "jane.doe+news@example.co.uk",
      "José.Núñez@correo.es",
    ]);
  });

  it("ignores near misses", () => {
    expect(detectEmails("a@b, user@localhost, @handle, foo@bar., name@.com")).toEqual([]);
  });

  it("offsets point at the value", () => {
    const text = "x ada@example.org y";
    const [span] = detectEmails(text);
    expect(span && text.slice(span.start, span.end)).toBe("ada@example.org");
  });
});

describe("detectPhones", () => {
  it("finds international and national formats", () => {
    const text =
      "Call +44 20 7946 0958 or +1 (415) 555-0132, office (212) 555-0143, mobile: 0612 345 678, tel +49 30 901820, 0041 44 668 18 00";
    expect(values(detectPhones(text), "PHONE")).toEqual([
      "+44 20 7946 0958",
      "+1 (415) 555-0132",
      "(212) 555-0143",
      "0612 345 678",
      "+49 30 901820",
      "0041 44 668 18 00",
    ]);
  });

  it("uses context for bare digit groups", () => {
    expect(values(detectPhones("Phone:\n467 3395"), "PHONE")).toEqual(["467 3395"]);
    expect(values(detectPhones("416 60 039 office"), "PHONE")).toEqual(["416 60 039"]);
    expect(values(detectPhones("we shipped 467 3395 units"), "PHONE")).toEqual([]);
  });

  it("ignores years, dates, times, money, decimals, IPs and SSN shapes", () => {
    const text =
      "In 2019 and 2020 we sold 12345678 units at 3.14159265 on 2024-05-02 12:30:00 for $1,234,567; host 10.0.0.12; 123-45-6789";
    expect(detectPhones(text)).toEqual([]);
  });
});

describe("detectCards", () => {
  it("finds Luhn-valid numbers of known networks, grouped or not", () => {
    const text = "Visa 4111 1111 1111 1111, MC 5555-5555-5555-4444, Amex 378282246310005.";
    expect(values(detectCards(text), "CARD")).toEqual([
      "4111 1111 1111 1111",
      "5555-5555-5555-4444",
      "378282246310005",
    ]);
  });

  it("rejects an invalid Luhn checksum, unknown prefixes and mixed separators", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(detectCards("4111111111111112 and 9999999999999995 and 4111 1111-1111 1111")).toEqual([]);
  });

  it("accepts shorter or unusual numbers only after a card keyword", () => {
    expect(values(detectCards("card number 630427373398 is lost"), "CARD")).toEqual(["630427373398"]);
    expect(detectCards("order 630427373398 shipped")).toEqual([]);
  });
});

describe("detectIbans", () => {
  it("finds valid IBANs in any case, grouped or not", () => {
    const text = "Pay GB82WEST12345698765432 or DE89 3704 0044 0532 0130 00 or gb82west12345698765432.";
    expect(values(detectIbans(text), "IBAN")).toEqual([
      "GB82WEST12345698765432",
      "DE89 3704 0044 0532 0130 00",
      "gb82west12345698765432",
    ]);
  });

  it("rejects a bad mod-97 checksum or a wrong length", () => {
    expect(ibanValid("GB82WEST12345698765432")).toBe(true);
    expect(ibanValid("GB82WEST12345698765433")).toBe(false);
    expect(
      detectIbans("GB82WEST12345698765433 and GB82WEST1234569876543 and XX82WEST12345698765432"),
    ).toEqual([]);
  });
});

describe("detectSsns", () => {
  it("finds grouped SSNs and labelled bare ones", () => {
    expect(values(detectSsns("SSN 123-45-6789 and social security number 219099999"), "SSN")).toEqual([
      "123-45-6789",
      "219099999",
    ]);
  });

  it("rejects all-zero groups, the 666 area and unlabelled bare numbers", () => {
    expect(detectSsns("000-12-3456 666-12-3456 123-00-4567 123-45-0000 order 219099999")).toEqual([]);
  });
});

describe("detectNationalIds", () => {
  it("finds checksummed national ids and labelled ones", () => {
    const text =
      "NINO AB123456C, DNI 12345678Z, CPF 111.444.777-35, Aadhaar 2341 2341 2346, PAN ABCPE1234F. My driver's license number is D1234567; passport no. X12345678.";
    expect(values(detectNationalIds(text), "NATIONAL_ID").sort()).toEqual(
      [
        "111.444.777-35",
        "12345678Z",
        "2341 2341 2346",
        "AB123456C",
        "ABCPE1234F",
        "D1234567",
        "X12345678",
      ].sort(),
    );
  });

  it("rejects wrong check letters and digits", () => {
    expect(detectNationalIds("ref 12345678A, 111.444.777-36, 2341 2341 2345, and a passport photo")).toEqual(
      [],
    );
  });
});

describe("detectIpAddresses", () => {
  it("finds IPv4 and IPv6 in full and compressed forms", () => {
    const text =
      "from 192.168.1.1 and 2001:db8::8a2e:370:7334 and fe80::1ff:fe23:4567:890a, then ::ffff:10.0.0.1";
    expect(values(detectPii(text), "IP")).toEqual([
      "192.168.1.1",
      "2001:db8::8a2e:370:7334",
      "fe80::1ff:fe23:4567:890a",
      "::ffff:10.0.0.1",
    ]);
  });

  it("ignores octets over 255, versions, clock times and C++ scopes", () => {
    expect(detectIpAddresses("256.1.1.1, v1.2.3.4, 10:30:00, std::vector<int>, 1.2.3")).toEqual([]);
  });
});

describe("detectCryptoAddresses", () => {
  it("finds Ethereum (checksummed or lower-case) and Bitcoin legacy, P2SH, bech32 and bech32m", () => {
    const text = [
      "0x52908400098527886E0F7030069857D2E4169EE7",
      "0x52908400098527886e0f7030069857d2e4169ee7",
      "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
      "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
      "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
    ];
    expect(values(detectCryptoAddresses(text.join(" ")), "CRYPTO")).toEqual(text);
  });

  it("rejects a bad EIP-55 checksum, a bad Base58Check and a bad bech32 checksum", () => {
    const text =
      "0x52908400098527886e0F7030069857D2E4169EE7 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5";
    expect(detectCryptoAddresses(text)).toEqual([]);
  });
});

describe("detectSecrets", () => {
  it("finds provider keys, JWTs and PEM private keys", () => {
    const jwt =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234\n-----END RSA PRIVATE KEY-----";
    const keys = [
      "sk-proj-Abc123Def456Ghi789Jkl012Mno345",
      "AKIAIOSFODNN7EXAMPLE",
      "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
      "xoxb-123456789012-123456789012-AbCdEfGhIjKlMnOpQrStUvWx",
      jwt,
      pem,
    ];
    expect(values(detectPii(`keys: ${keys.join(" , ")}`), "SECRET")).toEqual(keys);
  });

  it("finds the value of credential keys and of 'my password is …'", () => {
    const text =
      'password=hunter2 {"api_key": "s3cr3t-v4lue"} DB_PASSWORD: "x9!Lq" my password is Tr0ub4dor&3';
    expect(values(detectSecrets(text), "SECRET")).toEqual([
      "hunter2",
      "s3cr3t-v4lue",
      "x9!Lq",
      "Tr0ub4dor&3",
    ]);
  });

  it("finds stand-alone high-entropy tokens", () => {
    expect(values(detectSecrets("use Zx8kQ2mN7pL4vR9tW3yB6cF1 here"), "SECRET")).toEqual([
      "Zx8kQ2mN7pL4vR9tW3yB6cF1",
    ]);
  });

  it("leaves code, types, hashes and identifiers alone", () => {
    const text =
      "password = getPassword(); token: string; const apiKey = process.env.API_KEY; commit 3f786850e387550fdab836ed7e6dc881de23001b getUserAccountSettingsById max_tokens: 1024";
    expect(detectSecrets(text)).toEqual([]);
  });
});

describe("detectUrls", () => {
  it("finds URLs with credentials or tokens, and only those", () => {
    const text =
      "db postgres://admin:S3cret@db.example.com:5432/app, https://x.example/cb?access_token=abc123xyz789. See https://example.com/page?id=4";
    expect(values(detectUrls(text), "URL")).toEqual([
      "postgres://admin:S3cret@db.example.com:5432/app",
      "https://x.example/cb?access_token=abc123xyz789",
    ]);
  });
});

describe("detectDatesOfBirth", () => {
  it("finds dates after a birth keyword, in several formats and languages", () => {
    const text =
      'Date of birth: 12 March 1985, "dob": "1990-05-01", she was born on 2/7/1961. Geburtsdatum: 01.02.1970';
    expect(values(detectDatesOfBirth(text), "DOB")).toEqual([
      "12 March 1985",
      "1990-05-01",
      "2/7/1961",
      "01.02.1970",
    ]);
  });

  it("ignores dates without such context", () => {
    expect(detectDatesOfBirth("The meeting is on 12 March 1985 and the invoice is dated 2/7/1961.")).toEqual(
      [],
    );
  });
});
