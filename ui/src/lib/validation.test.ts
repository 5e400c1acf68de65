import { describe, expect, it } from "vitest";
import { EARLIEST_DATE_OF_BIRTH, LIMITS } from "../bindings/limits";
import {
  charCount,
  emptyCaseForm,
  isIsoDate,
  toCaseDraftInput,
  toPatientInput,
  validateCaseForm,
  validateDateOfBirth,
  validatePatientForm,
  validateReason,
} from "./validation";

const TODAY = "2025-06-15";

describe("isIsoDate", () => {
  it("accepts real calendar dates written YYYY-MM-DD", () => {
    expect(isIsoDate("1980-04-12")).toBe(true);
    expect(isIsoDate("2024-02-29")).toBe(true);
  });
  it("refuses other shapes and impossible dates", () => {
    for (const v of ["1980-4-12", "12/04/1980", "2023-02-29", "1980-13-01", "1980-00-10", "", "19800412"]) {
      expect(isIsoDate(v)).toBe(false);
    }
  });
});

describe("validateDateOfBirth", () => {
  it("requires a date", () => expect(validateDateOfBirth("  ", TODAY)).toMatch(/required/));
  it("requires the format", () => expect(validateDateOfBirth("12/04/1980", TODAY)).toMatch(/YYYY-MM-DD/));
  it("refuses the future", () => expect(validateDateOfBirth("2025-06-16", TODAY)).toMatch(/future/));
  it("accepts today", () => expect(validateDateOfBirth(TODAY, TODAY)).toBeNull());
  it("accepts the core's earliest date and refuses the day before", () => {
    expect(validateDateOfBirth(EARLIEST_DATE_OF_BIRTH, TODAY)).toBeNull();
    const dayBefore = new Date(`${EARLIEST_DATE_OF_BIRTH}T00:00:00Z`);
    dayBefore.setUTCDate(dayBefore.getUTCDate() - 1);
    expect(validateDateOfBirth(dayBefore.toISOString().slice(0, 10), TODAY)).toBe(
      `Date of birth cannot be before ${EARLIEST_DATE_OF_BIRTH}`,
    );
  });
});

describe("validatePatientForm", () => {
  it("reports every missing required field", () => {
    const errors = validatePatientForm(
      { fullName: " ", dateOfBirth: "", sex: "", medicalRecordNumber: "", phone: "" },
      TODAY,
    );
    expect(Object.keys(errors).sort()).toEqual(["dateOfBirth", "fullName", "sex"]);
  });
  it("counts characters, not UTF-16 units, for limits", () => {
    expect(charCount("😀")).toBe(1);
    const name = "😀".repeat(LIMITS.fullName);
    expect(validatePatientForm({ fullName: name, dateOfBirth: "1980-01-01", sex: "male", medicalRecordNumber: "", phone: "" }, TODAY)).toEqual({});
    expect(
      validatePatientForm({ fullName: name + "x", dateOfBirth: "1980-01-01", sex: "male", medicalRecordNumber: "", phone: "" }, TODAY)
        .fullName,
    ).toBe(`Full name must be at most ${LIMITS.fullName.toLocaleString("en")} characters`);
  });
  it("turns blank optional fields into null and trims", () => {
    expect(
      toPatientInput({ fullName: "  Huda  ", dateOfBirth: "1980-01-01 ", sex: "female", medicalRecordNumber: " ", phone: "" }),
    ).toEqual({ fullName: "Huda", dateOfBirth: "1980-01-01", sex: "female", medicalRecordNumber: null, phone: null });
  });
});

describe("validateCaseForm", () => {
  const filled = {
    patientId: "p",
    reviewTypeId: "rt",
    diseaseCategoryId: "dc",
    question: "Q?",
    clinicalSummary: "Summary",
  };
  it("a draft needs the patient, review type and disease category only", () => {
    expect(Object.keys(validateCaseForm(emptyCaseForm, "draft", 0)).sort()).toEqual([
      "diseaseCategoryId",
      "patientId",
      "reviewTypeId",
    ]);
    expect(validateCaseForm({ ...filled, question: "", clinicalSummary: "" }, "draft", 0)).toEqual({});
  });
  it("submitting also needs the question, the summary and a document", () => {
    const errors = validateCaseForm({ ...filled, question: " ", clinicalSummary: "" }, "submit", 0);
    expect(Object.keys(errors).sort()).toEqual(["clinicalSummary", "documents", "question"]);
    expect(validateCaseForm(filled, "submit", 1)).toEqual({});
  });
  it("does not check documents when their count is unknown", () => {
    expect(validateCaseForm(filled, "submit", null)).toEqual({});
  });
  it("applies length limits to drafts too", () => {
    expect(validateCaseForm({ ...filled, question: "x".repeat(LIMITS.question) }, "draft", 0)).toEqual({});
    expect(validateCaseForm({ ...filled, question: "x".repeat(LIMITS.question + 1) }, "draft", 0).question).toBe(
      `The question must be at most ${LIMITS.question.toLocaleString("en")} characters`,
    );
  });
  it("trims the text it sends", () => {
    expect(toCaseDraftInput({ ...filled, question: "  Q?  " }).question).toBe("Q?");
  });
});

describe("validateReason", () => {
  it("requires a reason only when asked to", () => {
    expect(validateReason("  ", true)).toMatch(/required/);
    expect(validateReason("  ", false)).toBeNull();
    expect(validateReason("Duplicate", true)).toBeNull();
  });
  it("keeps to the core's reason limit", () => {
    expect(validateReason("x".repeat(LIMITS.reason), false)).toBeNull();
    expect(validateReason("x".repeat(LIMITS.reason + 1), false)).toMatch(/at most/);
  });
});
