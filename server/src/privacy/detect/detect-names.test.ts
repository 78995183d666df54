import { describe, expect, it } from "vitest";
import { detectNames } from "./detect-names.ts";
import { detectPii } from "./detect-pii.ts";

const names = (text: string) => [...new Set(detectNames(text).map((s) => s.value))];

describe("detectNames", () => {
  it("finds names from many cultures in prose", () => {
    const text =
      "Priya Raghunathan and José García met Ahmed Al-Sayed, Wang Fang, Yuki Tanaka, Olumide Adeyemi, Björn Andersson and Zofia Kowalska.";
    expect(names(text)).toEqual([
      "Priya Raghunathan",
      "José García",
      "Ahmed Al-Sayed",
      "Wang Fang",
      "Yuki Tanaka",
      "Olumide Adeyemi",
      "Björn Andersson",
      "Zofia Kowalska",
    ]);
  });

  it("uses surname endings for names it has never seen", () => {
    expect(names("Yesterday Drazen Vukomanović and Aleksandra Wiśniewska arrived.")).toEqual([
      "Drazen Vukomanović",
      "Aleksandra Wiśniewska",
    ]);
  });

  it("uses titles, greetings, introductions, speaker labels and person verbs", () => {
    expect(names("Dear Ms. Okonkwo, thank you.")).toEqual(["Ms. Okonkwo"]);
    expect(names("Hello, this is Mr. Dustin Wirth. Who are you?")).toEqual(["Mr. Dustin Wirth"]);
    expect(names("everyone calls me Tilly")).toEqual(["Tilly"]);
    expect(names("Anna: hi!\nBoris: hello")).toEqual(["Anna", "Boris"]);
    expect(names("Smith said no.")).toEqual(["Smith"]);
    expect(names("Janka M. Szász is the new lead")).toEqual(["Janka M. Szász"]);
  });

  it("finds names in lower-case text", () => {
    expect(names("tell maria garcia i'll be late")).toEqual(["maria garcia"]);
    expect(names("nicholas muir listed his top 20 songs")).toEqual(["nicholas muir"]);
  });

  it("finds names in code, JSON, SQL and logs", () => {
    expect(names('const author = "John Smith";')).toEqual(["John Smith"]);
    expect(names('{"name": "li wei", "city": "Paris"}')).toEqual(["li wei"]);
    expect(names("INSERT INTO users (name, email) VALUES ('Ana Souza', 'x');")).toEqual(["Ana Souza"]);
    expect(names("SELECT * FROM customers WHERE last_name = 'Okonkwo'")).toEqual(["Okonkwo"]);
    expect(names("2024-05-02 WARN name=Ingrid Bergstrom action=delete")).toEqual(["Ingrid Bergstrom"]);
    expect(detectPii("2024-05-02 INFO login user=john.smith ok").map((s) => s.value)).toEqual(["john.smith"]);
    expect(names("Name: Chidi Okafor\nPhone: 555")).toEqual(["Chidi Okafor"]);
  });

  it("finds a name again where it recurs without its context", () => {
    expect(detectNames("My name is Xiomara Quispe. Later, quispe called back.").map((s) => s.value)).toEqual([
      "Xiomara Quispe",
      "Xiomara Quispe",
      "quispe",
    ]);
  });

  it("leaves capitalised everyday words, places, organisations and word-names alone", () => {
    expect(names("The Quick Fox jumps. Python is great. New York is big. Apple Inc released it.")).toEqual(
      [],
    );
    expect(names("Monday we meet in Paris with the Board of Directors at Microsoft.")).toEqual([]);
    expect(names("We will mark the rose and grace the bill. Grant access to Baker Street.")).toEqual([]);
    expect(names("Please Call Me Maybe. NINO and SQL are acronyms.")).toEqual([]);
  });

  it("reads chat in lower case without taking words for names", () => {
    expect(names("hey can you help me fix this bug? the api returns 500 when i post to /users")).toEqual([]);
    expect(names("my boss said the deadline moved to friday so i need to finish the migration")).toEqual([]);
    expect(names("i met john yesterday and amanda is coming too")).toEqual(["john", "amanda"]);
  });

  it("leaves headings, greetings to roles and places after prepositions alone", () => {
    expect(names("# Getting Started With React Native\n## Installing Dependencies")).toEqual([]);
    expect(names("Dear Hiring Manager, I am applying. Translate to French: the fox.")).toEqual([]);
    expect(names("We moved here from Tjorvika last year.")).toEqual([]);
  });

  it("does not split words glued to digits", () => {
    expect(names("ref GB82WEST12345698765432 and ab12Smith34")).toEqual([]);
  });
});
