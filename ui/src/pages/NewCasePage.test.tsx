import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_DOCUMENT_BYTES } from "../api/client";
import type { CaseInput } from "../api/types";
import { capabilities, caseDetail, catalog, patient } from "../test/fixtures";
import { callsOf, fail, type Handler, invokeMock, routeInvoke } from "../test/invoke";
import { renderWithProviders } from "../test/render";
import { NewCasePage } from "./NewCasePage";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const SHA = "c".repeat(64);

function setup(extra: Record<string, Handler> = {}) {
  routeInvoke({
    catalog: () => catalog,
    list_patients: () => [patient],
    stage_document: (_args, options) => {
      const headers = (options?.headers ?? {}) as Record<string, string>;
      return {
        name: decodeURIComponent(headers["x-file-name"] ?? ""),
        mediaType: headers["x-media-type"],
        sha256: SHA,
        sizeBytes: 8,
      };
    },
    create_case: () => caseDetail({ id: "c-new", status: "submitted" }),
    ...extra,
  });
  const user = userEvent.setup();
  renderWithProviders(<NewCasePage capabilities={capabilities({ createCases: true })} />);
  return user;
}

async function fillFields(user: ReturnType<typeof userEvent.setup>) {
  await user.selectOptions(await screen.findByTestId("case-patient"), "Huda Patient");
  await user.selectOptions(screen.getByTestId("case-review-type"), "Cardiac review");
  await user.selectOptions(screen.getByTestId("case-disease-category"), "Valve disease");
  await user.type(screen.getByTestId("case-question"), "Is surgery indicated?");
  await user.type(screen.getByTestId("case-summary"), "Severe aortic stenosis.");
}

function pdf(name = "echo.pdf", size?: number): File {
  const file = new File(["%PDF-1.7"], name, { type: "application/pdf" });
  if (size !== undefined) Object.defineProperty(file, "size", { value: size });
  return file;
}

describe("NewCasePage", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    window.location.hash = "#/cases/new";
  });

  it("offers only the disease categories of the review type's specialty, with Arabic labels", async () => {
    const user = setup();
    const categorySelect = await screen.findByTestId("case-disease-category");
    expect(categorySelect).toBeDisabled();

    await user.selectOptions(screen.getByTestId("case-review-type"), "Tumour board");
    const options = within(categorySelect).getAllByRole("option").map((o) => o.textContent);
    expect(options).toEqual(["Choose a disease category…", "Breast cancer"]);
    expect(screen.getByText("مجلس الأورام")).toHaveAttribute("dir", "auto");

    await user.selectOptions(categorySelect, "Breast cancer");
    expect(screen.getByText("سرطان الثدي")).toHaveAttribute("dir", "auto");

    // Changing the review type to another specialty clears the category.
    await user.selectOptions(screen.getByTestId("case-review-type"), "Cardiac review");
    expect(categorySelect).toHaveValue("");
  });

  it("stages picked files and submits the case with create_case(input, submit=true)", async () => {
    const user = setup();
    await fillFields(user);
    await user.upload(screen.getByTestId("case-files"), pdf());

    const row = await screen.findByTestId("document-row");
    expect(row).toHaveTextContent("echo.pdf");
    const [body, options] = callsOf("stage_document")[0]!;
    expect(body).toBeInstanceOf(Uint8Array);
    expect(options?.headers).toMatchObject({ "x-file-name": "echo.pdf", "x-media-type": "application/pdf" });

    await user.selectOptions(within(row).getByTestId("document-kind"), "Imaging");
    await user.click(screen.getByTestId("case-submit"));

    await waitFor(() => expect(callsOf("create_case")).toHaveLength(1));
    const args = callsOf<{ input: CaseInput; submit: boolean }>("create_case")[0]![0];
    expect(args).toEqual({
      submit: true,
      input: {
        patientId: patient.id,
        reviewTypeId: "rt-cardio",
        diseaseCategoryId: "dc-valve",
        question: "Is surgery indicated?",
        clinicalSummary: "Severe aortic stenosis.",
        documents: [{ name: "echo.pdf", kind: "imaging", mediaType: "application/pdf", sha256: SHA, sizeBytes: 8 }],
      },
    });
    await waitFor(() => expect(window.location.hash).toBe("#/cases/c-new"));
  });

  it("saves a draft with submit=false and without documents", async () => {
    const user = setup({ create_case: () => caseDetail({ id: "c-draft", status: "draft", reference: null }) });
    await screen.findByTestId("case-patient");
    await user.selectOptions(screen.getByTestId("case-patient"), "Huda Patient");
    await user.selectOptions(screen.getByTestId("case-review-type"), "Cardiac review");
    await user.selectOptions(screen.getByTestId("case-disease-category"), "Arrhythmia");
    await user.click(screen.getByTestId("case-save-draft"));
    await waitFor(() => expect(callsOf("create_case")).toHaveLength(1));
    const args = callsOf<{ input: CaseInput; submit: boolean }>("create_case")[0]![0];
    expect(args.submit).toBe(false);
    expect(args.input.documents).toEqual([]);
    await waitFor(() => expect(window.location.hash).toBe("#/cases/c-draft"));
  });

  it("removes a staged document", async () => {
    const user = setup();
    await screen.findByTestId("case-patient");
    await user.upload(screen.getByTestId("case-files"), [pdf("a.pdf"), pdf("b.pdf")]);
    await waitFor(() => expect(screen.getAllByTestId("document-row")).toHaveLength(2));
    await user.click(within(screen.getAllByTestId("document-row")[0]!).getByTestId("document-remove"));
    expect(screen.getAllByTestId("document-row")).toHaveLength(1);
    expect(screen.getByTestId("document-row")).toHaveTextContent("b.pdf");
  });

  it("refuses a file over 25 MiB before uploading it", async () => {
    const user = setup();
    await screen.findByTestId("case-patient");
    await user.upload(screen.getByTestId("case-files"), pdf("huge-scan.pdf", MAX_DOCUMENT_BYTES + 1));

    expect(await screen.findAllByText(/huge-scan\.pdf.*at most 25 MB/)).not.toHaveLength(0);
    expect(screen.getByTestId("case-files")).toHaveAttribute("aria-invalid", "true");
    expect(callsOf("stage_document")).toHaveLength(0);
    expect(screen.queryByTestId("document-row")).not.toBeInTheDocument();
  });

  it("checks the form before submitting and calls nothing when it is incomplete", async () => {
    const user = setup();
    await screen.findByTestId("case-patient");
    await user.click(screen.getByTestId("case-submit"));
    expect(await screen.findByText("Choose a patient")).toBeInTheDocument();
    expect(screen.getByText("The question is required to submit")).toBeInTheDocument();
    expect(screen.getByText("Attach at least one document to submit")).toBeInTheDocument();
    expect(callsOf("create_case")).toHaveLength(0);
  });

  it("puts a core error naming a field on that field, and notifies it", async () => {
    const user = setup({
      create_case: () => {
        fail("invalid_input", "The clinical summary is too long.", "clinicalSummary");
      },
    });
    await fillFields(user);
    await user.upload(screen.getByTestId("case-files"), pdf());
    await screen.findByTestId("document-row");
    await user.click(screen.getByTestId("case-submit"));

    const summary = screen.getByTestId("case-summary");
    await waitFor(() => expect(summary).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getAllByText("The clinical summary is too long.").length).toBeGreaterThanOrEqual(2);
    expect(window.location.hash).toBe("#/cases/new");
  });

  it("shows a core error without a field as an alert and a notification", async () => {
    const user = setup({
      create_case: () => {
        fail("unknown_review_type", "That review type no longer exists.");
      },
    });
    await fillFields(user);
    await user.click(screen.getByTestId("case-save-draft"));
    expect(await screen.findByTestId("case-form-error")).toHaveTextContent("That review type no longer exists.");
    expect(screen.getByText("Could not save the case")).toBeInTheDocument();
    expect(screen.getByTestId("error-notification")).toHaveAttribute("data-error-code", "unknown_review_type");
  });

  it("shows no form, and reads no patients, without the createCases capability", async () => {
    routeInvoke({ catalog: () => catalog, list_patients: () => [patient] });
    renderWithProviders(<NewCasePage capabilities={capabilities()} />);
    expect(await screen.findByText("Only requesters create cases.")).toBeInTheDocument();
    expect(screen.queryByTestId("case-patient")).not.toBeInTheDocument();
    expect(callsOf("list_patients")).toHaveLength(0);
  });
});
