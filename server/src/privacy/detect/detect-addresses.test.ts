import { describe, expect, it } from "vitest";
import { detectAddresses } from "./detect-addresses.ts";

const addresses = (text: string) => detectAddresses(text).map((s) => s.value);

describe("detectAddresses", () => {
  it("reads street formats of many countries with their city, postcode and country", () => {
    expect(addresses("Ship to 1600 Pennsylvania Avenue NW, Washington, DC 20500, USA.")).toEqual([
      "1600 Pennsylvania Avenue NW, Washington, DC 20500, USA",
    ]);
    expect(addresses("Hauptstraße 12, 10115 Berlin")).toEqual(["Hauptstraße 12, 10115 Berlin"]);
    expect(addresses("12 rue de la Paix, 75002 Paris, France")).toEqual([
      "12 rue de la Paix, 75002 Paris, France",
    ]);
    expect(addresses("Avenida Paulista 1000, São Paulo")).toEqual(["Avenida Paulista 1000, São Paulo"]);
    expect(addresses("Kossuth Lajos u. 12., 1055 Budapest")).toEqual(["Kossuth Lajos u. 12., 1055 Budapest"]);
    expect(addresses("ul. Marszałkowska 84/92, 00-514 Warszawa")).toEqual([
      "ul. Marszałkowska 84/92, 00-514 Warszawa",
    ]);
    expect(addresses("Koskikatu 25 A 3, 00100 Helsinki")).toEqual(["Koskikatu 25 A 3, 00100 Helsinki"]);
  });

  it("follows multi-line blocks with units, quoted or bulleted", () => {
    expect(addresses("28030 Edeby 55\n Apt. 297\n TYSTBERGA\n Sweden 99178")).toEqual([
      "28030 Edeby 55\n Apt. 297\n TYSTBERGA\n Sweden 99178",
    ]);
    expect(addresses(">3654 Brixtonlaan 380\n>Suite 727\n>Charleroi\n>Belgium 42940")).toEqual([
      "3654 Brixtonlaan 380\n>Suite 727\n>Charleroi\n>Belgium 42940",
    ]);
  });

  it("knows PO boxes, military mail, named streets, corners, labelled postcodes and address context", () => {
    expect(addresses("P.O. Box 1234, Springfield, IL 62704")).toEqual([
      "P.O. Box 1234, Springfield, IL 62704",
    ]);
    expect(addresses("PSC 1234, Box 5678\nAPO AE 09012")).toEqual(["PSC 1234, Box 5678\nAPO AE 09012"]);
    expect(addresses("I live on Main Street")).toEqual(["Main Street"]);
    expect(addresses("at the corner of 3744 Retreat Avenue and Elm Road")).toEqual([
      "3744 Retreat Avenue and Elm Road",
    ]);
    expect(addresses("my zip code is 40645")).toEqual(["40645"]);
    expect(addresses("The address of Acme is Aqqusinersuaq 99")).toEqual(["Aqqusinersuaq 99"]);
  });

  it("reads lower-case text", () => {
    expect(addresses("send it to 947 trg revolucije 17 apt. 858 begunje")).toEqual([
      "947 trg revolucije 17 apt. 858 begunje",
    ]);
  });

  it("leaves counts, years, times and versions alone", () => {
    expect(addresses("I have 2 cats in the park and 3 dogs on the main road.")).toEqual([]);
    expect(addresses("In 2019 Microsoft Park opened. Version 2 Beta Street is out.")).toEqual([]);
    expect(addresses("The meeting lasted 45 minutes. Call at 10:30 please.")).toEqual([]);
  });

  it("stops before a phone number on the next line", () => {
    expect(addresses("PSC 3294, Box 9168\nAPO AA 61487\n416 60 039 office")).toEqual([
      "PSC 3294, Box 9168\nAPO AA 61487",
    ]);
  });
});
