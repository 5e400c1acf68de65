import { describe, expect, it } from "vitest";
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
    const name = "😀".repeat(200);
    expect(validatePatientForm({ fullName: name, dateOfBirth: "1980-01-01", sex: "male", medicalRecordNumber: "", phone: "" }, TODAY)).toEqual({});
    expect(
      validatePatientForm({ fullName: name + "x", dateOfBirth: "1980-01-01", sex: "male", medicalRecordNumber: "", phone: "" }, TODAY)
        .fullName,
    ).toMatch(/at most 200/);
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
    expect(validateCaseForm({ ...filled, question: "x".repeat(2001) }, "draft", 0).question).toMatch(/at most 2,000/);
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
});
