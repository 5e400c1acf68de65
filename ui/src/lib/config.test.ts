import { describe, expect, it } from "vitest";
import { catalog } from "../test/fixtures";
import {
  currencyCodes,
  currencyDigits,
  fromMinor,
  isCurrencyCode,
  matchesQuery,
  reviewTypeToForm,
  toMinor,
  toReviewTypeInput,
  usualCurrency,
  validateReviewTypeForm,
  validateSpecialtyForm,
  type ReviewTypeFormValues,
} from "./config";

const valid: ReviewTypeFormValues = { nameEn: "A", nameAr: "ب", price: 10, currency: "SAR", expectedReviewDays: 5, specialtyId: "sp-cardio" };

describe("configuration helpers", () => {
  it("uses each currency's own decimals (2 when Intl does not know it)", () => {
    expect(currencyDigits("SAR")).toBe(2);
    expect(currencyDigits("JPY")).toBe(0);
    expect(currencyDigits("KWD")).toBe(3);
    expect(currencyDigits("not a currency")).toBe(2);
    expect(toMinor(1500.5, "SAR")).toBe(150050);
    expect(toMinor("0.1", "SAR")).toBe(10);
    expect(toMinor(1.005, "KWD")).toBe(1005);
    expect(toMinor(1500, "JPY")).toBe(1500);
    expect(fromMinor(150050, "SAR")).toBe(1500.5);
    expect(fromMinor(1005, "KWD")).toBe(1.005);
  });

  it("knows the ISO 4217 codes where Intl lists them", () => {
    const codes = currencyCodes();
    expect(codes).toContain("SAR");
    expect(isCurrencyCode("SAR", codes)).toBe(true);
    expect(isCurrencyCode("sar", codes)).toBe(false);
    expect(isCurrencyCode("XYZ", ["SAR"])).toBe(false);
    // Without a list any three capitals do (the core checks the code).
    expect(isCurrencyCode("XYZ", null)).toBe(true);
  });

  it("searches names in either language, ignoring case and spaces around", () => {
    expect(matchesQuery("  cardio ", "Cardiology", "أمراض القلب")).toBe(true);
    expect(matchesQuery("القلب", "Cardiology", "أمراض القلب")).toBe(true);
    expect(matchesQuery("onco", "Cardiology", "أمراض القلب")).toBe(false);
    expect(matchesQuery("", "Cardiology")).toBe(true);
  });

  it("defaults a new review type to the currency most of them use", () => {
    expect(usualCurrency(catalog.reviewTypes)).toBe("SAR");
    expect(usualCurrency([])).toBe("");
    expect(reviewTypeToForm(null, { currency: "SAR", specialtyId: "" })).toMatchObject({ currency: "SAR", price: "" });
    expect(reviewTypeToForm(catalog.reviewTypes[0]!, { currency: "USD", specialtyId: "" })).toMatchObject({ price: 1500, currency: "SAR" });
  });

  it("checks a review type before sending", () => {
    expect(validateReviewTypeForm(valid)).toEqual({});
    expect(Object.keys(validateReviewTypeForm({ ...valid, nameEn: " ", nameAr: "x".repeat(121) })).sort()).toEqual(["nameAr", "nameEn"]);
    expect(validateReviewTypeForm({ ...valid, price: -1 })).toHaveProperty("price");
    expect(validateReviewTypeForm({ ...valid, price: "" })).toHaveProperty("price");
    expect(validateReviewTypeForm({ ...valid, price: 0 })).toEqual({});
    expect(validateReviewTypeForm({ ...valid, currency: "RIYAL" })).toHaveProperty("currency");
    expect(validateReviewTypeForm({ ...valid, expectedReviewDays: 0 })).toHaveProperty("expectedReviewDays");
    expect(validateReviewTypeForm({ ...valid, expectedReviewDays: 366 })).toHaveProperty("expectedReviewDays");
    expect(validateReviewTypeForm({ ...valid, expectedReviewDays: 365 })).toEqual({});
    expect(validateReviewTypeForm({ ...valid, specialtyId: "" })).toHaveProperty("specialtyId");
    expect(validateSpecialtyForm({ nameEn: "Cardiology", nameAr: "" })).toHaveProperty("nameAr");
  });

  it("sends names trimmed, the code upper-cased and the price in minor units", () => {
    expect(toReviewTypeInput({ ...valid, nameEn: " Valve ", price: "12.34", currency: "usd", expectedReviewDays: "7" })).toEqual({
      nameEn: "Valve",
      nameAr: "ب",
      priceMinor: 1234,
      currency: "USD",
      expectedReviewDays: 7,
      specialtyId: "sp-cardio",
    });
  });
});
