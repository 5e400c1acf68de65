import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CaseDetail } from "../api/types";
import {
  actions,
  cardioCoordinator,
  caseDetail,
  catalog,
  patient,
  talk,
} from "../test/fixtures";
import type { AssignmentView, OpinionView, ProviderSummary } from "../components/review/types";
import { callsOf, fail, type Handler, invokeMock, routeInvoke } from "../test/invoke";
import { renderWithProviders } from "../test/render";
import { CaseDetailPage } from "./CaseDetailPage";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const FORBIDDEN = { code: "forbidden", message: "As a requester you cannot do this." } as const;

const draft = caseDetail({
  status: "draft",
  reference: null,
  documents: [],
  actions: actions({
    update_draft: true,
    add_document: true,
    remove_document: true,
    submit: { code: "documents_required", message: "Attach at least one document before submitting." },
    cancel: true,
    assign_coordinator: FORBIDDEN,
    reject: FORBIDDEN,
  }),
});

const submitted = caseDetail({
  status: "submitted",
  actions: actions({
    assign_coordinator: true,
    reject: true,
    cancel: true,
    update_draft: { code: "invalid_status", message: "You cannot edit the draft while the case is submitted." },
    submit: { code: "invalid_status", message: "Already submitted." },
  }),
});

function setup(detail: CaseDetail, extra: Record<string, Handler> = {}) {
  routeInvoke({
    get_case: () => detail,
    catalog: () => catalog,
    list_cases: () => [],
    list_patients: () => [patient],
    ...extra,
  });
  const user = userEvent.setup();
  renderWithProviders(<CaseDetailPage caseId={detail.id} />);
  return user;
}

describe("CaseDetailPage", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("shows the case, its documents and its timeline", async () => {
    setup(submitted);
    expect(await screen.findByTestId("case-status")).toHaveTextContent(/^Submitted$/);
    expect(screen.getByTestId("case-reference")).toHaveTextContent("SO-0001");
    expect(screen.getByTestId("case-patient-block")).toHaveTextContent("Huda Patient");
    expect(screen.getByText("مراجعة القلب")).toHaveAttribute("dir", "auto");
    expect(screen.getByText("اضطراب النظم")).toHaveAttribute("dir", "auto");
    expect(screen.getByText("Is ablation indicated?")).toBeInTheDocument();
    expect(screen.getByText("Palpitations for two years.")).toBeInTheDocument();
    expect(screen.getAllByTestId("document-row")).toHaveLength(1);
    const entries = within(screen.getByTestId("timeline")).getAllByTestId("timeline-entry");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toHaveTextContent("New case created");
    expect(entries[0]).toHaveTextContent("Rana Requester (Requester)");
  });

  it("offers exactly the listed actions, disabled with the core's reason when refused", async () => {
    setup(draft);
    const submit = await screen.findByTestId("action-submit");
    expect(submit).toBeDisabled();
    expect(screen.getByTestId("action-submit-reason")).toHaveTextContent(
      "Attach at least one document before submitting.",
    );
    expect(screen.getByTestId("action-cancel")).toBeEnabled();
    expect(screen.queryByTestId("action-assign-coordinator")).not.toBeInTheDocument();
    expect(screen.queryByTestId("action-reject")).not.toBeInTheDocument();
    expect(screen.getByTestId("case-status")).toHaveTextContent(/^Draft$/);
  });

  it("assigns a coordinator of the review type's specialty", async () => {
    const user = setup(submitted, {
      assign_coordinator: () =>
        caseDetail({
          status: "awaiting_payment",
          coordinator: cardioCoordinator,
          coordinatorName: cardioCoordinator.name,
          actions: actions({ assign_coordinator: true, cancel: true }),
        }),
    });
    await user.click(await screen.findByTestId("action-assign-coordinator"));
    const select = await screen.findByTestId("coordinator-select");
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Choose a coordinator…",
      "Carla Cardio",
    ]);
    await user.selectOptions(select, "Carla Cardio");
    await user.click(screen.getByTestId("assign-confirm"));

    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith(
        "assign_coordinator",
        { caseId: submitted.id, coordinatorId: cardioCoordinator.id },
        undefined,
      ),
    );
    await waitFor(() => expect(screen.getByTestId("case-status")).toHaveTextContent(/^Awaiting payment$/));
    expect(screen.getByTestId("case-coordinator")).toHaveTextContent("Carla Cardio");
    expect(screen.queryByTestId("assign-confirm")).not.toBeInTheDocument();
  });

  it("requires a reason to reject", async () => {
    const user = setup(submitted, {
      reject_case: () => caseDetail({ status: "rejected", rejectReason: "Out of scope", actions: [] }),
    });
    await user.click(await screen.findByTestId("action-reject"));
    await user.click(await screen.findByTestId("reason-confirm"));
    expect(await screen.findByText("A reason is required")).toBeInTheDocument();
    expect(callsOf("reject_case")).toHaveLength(0);

    await user.type(screen.getByTestId("reason-input"), "Out of scope");
    await user.click(screen.getByTestId("reason-confirm"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith("reject_case", { caseId: submitted.id, reason: "Out of scope" }, undefined),
    );
    expect(await screen.findByTestId("case-reject-reason")).toHaveTextContent("Out of scope");
  });

  it("lets a requester cancel without a reason", async () => {
    const user = setup(draft, {
      cancel_case: () => caseDetail({ status: "cancelled", actions: [] }),
    });
    await user.click(await screen.findByTestId("action-cancel"));
    await user.click(await screen.findByTestId("reason-confirm"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith("cancel_case", { caseId: draft.id, reason: null }, undefined),
    );
    await waitFor(() => expect(screen.getByTestId("case-status")).toHaveTextContent(/^Cancelled$/));
  });

  it("asks for a reason to cancel when the core says one is required (an admin)", async () => {
    const user = setup({ ...submitted, cancelTerms: { reasonRequired: true, refundDue: false } });
    await user.click(await screen.findByTestId("action-cancel"));
    expect(await screen.findByText("Reason for cancelling")).toBeInTheDocument();
    expect(screen.queryByText("Optional")).not.toBeInTheDocument();
    await user.click(await screen.findByTestId("reason-confirm"));
    expect(await screen.findByText("A reason is required")).toBeInTheDocument();
    expect(callsOf("cancel_case")).toHaveLength(0);
  });

  it("says a refund will be created exactly when the core says cancelling makes one due", async () => {
    // Not read from the status: a paid case in any status says so, an unpaid one never.
    const user = setup({ ...submitted, cancelTerms: { reasonRequired: false, refundDue: true } });
    await user.click(await screen.findByTestId("action-cancel"));
    expect(await screen.findByText("The case has been paid for; a refund will be created.")).toBeInTheDocument();
    expect(screen.getByText("Optional")).toBeInTheDocument();
  });

  it("says nothing of a refund when the core says none is due", async () => {
    const user = setup({ ...submitted, status: "doctors_assigned" });
    await user.click(await screen.findByTestId("action-cancel"));
    expect(await screen.findByText("Reason for cancelling")).toBeInTheDocument();
    expect(screen.queryByText("The case has been paid for; a refund will be created.")).not.toBeInTheDocument();
  });

  it("shows the core's refusal of an action in the modal and as a notification", async () => {
    const user = setup(submitted, {
      reject_case: () => {
        fail("invalid_status", "The case was already cancelled.");
      },
    });
    await user.click(await screen.findByTestId("action-reject"));
    await user.type(await screen.findByTestId("reason-input"), "Duplicate");
    await user.click(screen.getByTestId("reason-confirm"));
    await waitFor(() => expect(screen.getAllByText("The case was already cancelled.").length).toBeGreaterThanOrEqual(2));
    expect(screen.getByTestId("error-notification")).toHaveAttribute("data-error-code", "invalid_status");
  });

  it("adds and removes documents on a draft", async () => {
    const added = {
      ...draft,
      documents: [{ ...caseDetail().documents[0]!, id: "d-9", name: "scan.png", kind: "imaging" as const }],
    };
    const user = setup(draft, {
      stage_document: () => ({ name: "scan.png", mediaType: "image/png", sha256: "e".repeat(64), sizeBytes: 3 }),
      add_document: () => added,
      remove_document: () => draft,
    });
    await user.upload(await screen.findByTestId("case-files"), new File(["png"], "scan.png", { type: "image/png" }));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith(
        "add_document",
        {
          caseId: draft.id,
          document: { name: "scan.png", kind: "imaging", mediaType: "image/png", sha256: "e".repeat(64), sizeBytes: 3 },
        },
        undefined,
      ),
    );
    const row = await screen.findByTestId("document-row");
    expect(row).toHaveTextContent("scan.png");

    await user.click(within(row).getByTestId("document-remove"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith("remove_document", { caseId: draft.id, documentId: "d-9" }, undefined),
    );
    await waitFor(() => expect(screen.queryByTestId("document-row")).not.toBeInTheDocument());
  });

  it("edits the draft's fields with update_draft", async () => {
    const user = setup(draft, {
      update_draft: () => ({ ...draft, question: "New question?" }),
    });
    await user.click(await screen.findByTestId("action-edit-draft"));
    const question = await screen.findByTestId("case-question");
    await user.clear(question);
    await user.type(question, "New question?");
    await user.click(screen.getByTestId("case-save-draft"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith(
        "update_draft",
        {
          caseId: draft.id,
          input: {
            patientId: patient.id,
            reviewTypeId: "rt-cardio",
            diseaseCategoryId: "dc-arrhythmia",
            question: "New question?",
            clinicalSummary: "Palpitations for two years.",
          },
        },
        undefined,
      ),
    );
    expect(await screen.findByText("New question?")).toBeInTheDocument();
    expect(screen.queryByTestId("draft-editor")).not.toBeInTheDocument();
  });

  it("says a case is not found without hinting that it exists", async () => {
    setup(submitted, {
      get_case: () => {
        fail("not_found", "Case not found.");
      },
    });
    expect(await screen.findByText("This case does not exist, or you may not see it.")).toBeInTheDocument();
  });
});

// ------------------------------------------------------------------------------ the review

const ahmed: ProviderSummary = { id: "u-ahmed", name: "Dr. Ahmed", specialties: ["Cardiology"] };
const sara: ProviderSummary = { id: "u-sara", name: "Dr. Sara", specialties: ["Cardiology"] };

function assignment(provider: ProviderSummary, status: AssignmentView["status"], declineReason: string | null = null): AssignmentView {
  return { provider, status, assignedAt: "2025-02-02T09:00:00Z", declineReason };
}

const ahmedOpinion: OpinionView = {
  provider: ahmed,
  assessment: "Three-vessel disease.",
  diagnosis: "Stable CAD.",
  recommendations: "Bypass surgery.",
  answers: "Yes, surgery.",
  references: "ESC 2024.",
  submittedAt: "2025-02-05T09:00:00Z",
};

const NOT_YOURS = { code: "invalid_status", message: "You cannot do this while your assignment is in progress." } as const;

describe("CaseDetailPage: the review", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("lets the coordinator assign eligible providers, each shown with their specialty", async () => {
    const paid = caseDetail({
      status: "payment_successful",
      coordinator: cardioCoordinator,
      eligibleProviders: [ahmed, sara],
      actions: actions({
        assign_providers: true,
        submit_final_summary: { code: "invalid_status", message: "You cannot submit the final summary while the case is payment successful." },
      }),
    });
    const user = setup(paid, {
      assign_providers: () =>
        caseDetail({
          status: "doctors_assigned",
          assignments: [assignment(ahmed, "assigned")],
          eligibleProviders: [sara],
          actions: actions({ assign_providers: true }),
        }),
    });
    expect(await screen.findByTestId("action-submit-final-summary")).toBeDisabled();
    await user.click(screen.getByTestId("action-assign-providers"));
    const options = await screen.findAllByTestId("provider-option");
    expect(options.map((o) => o.getAttribute("data-provider-id"))).toEqual([ahmed.id, sara.id]);
    expect(screen.getAllByText("Cardiology").length).toBeGreaterThanOrEqual(2);

    await user.click(screen.getByTestId("assign-providers-confirm"));
    expect(await screen.findByText("Choose at least one provider")).toBeInTheDocument();
    expect(callsOf("assign_providers")).toHaveLength(0);

    await user.click(screen.getByLabelText("Dr. Ahmed"));
    await user.click(screen.getByTestId("assign-providers-confirm"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith("assign_providers", { caseId: paid.id, providerIds: [ahmed.id] }, undefined),
    );
    const row = await screen.findByTestId("assignment-row");
    expect(row).toHaveAttribute("data-provider-id", ahmed.id);
    expect(within(row).getByTestId("assignment-status")).toHaveTextContent("Awaiting answer");
    expect(screen.getByTestId("case-status")).toHaveTextContent(/^Doctors assigned$/);
  });

  it("shows a declined provider with the reason, and lets the coordinator replace them", async () => {
    const declined = caseDetail({
      status: "doctors_assigned",
      assignments: [assignment(ahmed, "in_progress"), assignment(sara, "declined", "On leave.")],
      eligibleProviders: [{ id: "u-zaid", name: "Dr. Zaid", specialties: ["Cardiology"] }],
      actions: actions({ assign_providers: true }),
    });
    const user = setup(declined);
    const rows = await screen.findAllByTestId("assignment-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[1]!).getByTestId("assignment-decline-reason")).toHaveTextContent("On leave.");
    expect(within(rows[0]!).queryByTestId("action-replace-provider")).not.toBeInTheDocument();
    await user.click(within(rows[1]!).getByTestId("action-replace-provider"));
    expect(await screen.findByTestId("assign-providers-declined")).toHaveTextContent("Dr. Sara");
    expect(screen.getAllByTestId("provider-option").map((o) => o.getAttribute("data-provider-id"))).toEqual(["u-zaid"]);
  });

  it("asks an assigned provider to respond, and accepts", async () => {
    const assigned = caseDetail({
      status: "doctors_assigned",
      assignments: [assignment(ahmed, "assigned")],
      actions: actions({
        respond_to_assignment: true,
        start_review: { code: "invalid_status", message: "You cannot start the review while your assignment is waiting for your answer." },
        request_documents: { code: "invalid_status", message: "Not yet." },
        return_case: { code: "invalid_status", message: "Not yet." },
        submit_opinion: { code: "invalid_status", message: "Not yet." },
      }),
    });
    const user = setup(assigned, {
      respond_to_assignment: () => ({
        ...assigned,
        assignments: [assignment(ahmed, "accepted")],
        actions: actions({ respond_to_assignment: NOT_YOURS, start_review: true }),
      }),
    });
    expect(await screen.findByTestId("respond-prompt")).toBeInTheDocument();
    expect(screen.getByTestId("action-start-review")).toBeDisabled();
    expect(screen.getByTestId("action-submit-opinion")).toBeDisabled();
    expect(screen.queryByTestId("opinion-form")).not.toBeInTheDocument();
    expect(screen.queryByTestId("action-assign-providers")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("action-accept-assignment"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith(
        "respond_to_assignment",
        { caseId: assigned.id, accept: true, reason: null },
        undefined,
      ),
    );
    await waitFor(() => expect(screen.getByTestId("action-start-review")).toBeEnabled());
    expect(screen.getByTestId("action-accept-assignment")).toBeDisabled();
    expect(screen.getByTestId("action-decline-assignment")).toBeDisabled();
    expect(screen.queryByTestId("respond-prompt")).not.toBeInTheDocument();
  });

  it("makes a provider give a reason to decline, then leaves the case", async () => {
    const assigned = caseDetail({
      status: "doctors_assigned",
      assignments: [assignment(ahmed, "assigned")],
      actions: actions({ respond_to_assignment: true }),
    });
    window.location.hash = `#/cases/${assigned.id}`;
    const user = setup(assigned, { respond_to_assignment: () => null });
    await user.click(await screen.findByTestId("action-decline-assignment"));
    await user.click(await screen.findByTestId("reason-confirm"));
    expect(await screen.findByText("A reason is required")).toBeInTheDocument();
    expect(callsOf("respond_to_assignment")).toHaveLength(0);
    await user.type(screen.getByTestId("reason-input"), "Conflict of interest");
    await user.click(screen.getByTestId("reason-confirm"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith(
        "respond_to_assignment",
        { caseId: assigned.id, accept: false, reason: "Conflict of interest" },
        undefined,
      ),
    );
    await waitFor(() => expect(window.location.hash).toBe("#/cases"));
  });

  it("lets a reviewing provider request documents and return the case", async () => {
    const reviewing = caseDetail({
      status: "doctors_assigned",
      assignments: [assignment(ahmed, "in_progress")],
      actions: actions({ request_documents: true, return_case: true, submit_opinion: true }),
      opinionDraftAllowed: true,
    });
    const user = setup(reviewing, {
      opinion_draft: () => null,
      request_documents: () => ({
        ...reviewing,
        documentRequests: [
          { id: "r-1", provider: ahmed, note: "The stress echo.", open: true, requestedAt: "2025-02-03T09:00:00Z" },
        ],
      }),
      return_case: () => ({
        ...reviewing,
        assignments: [assignment(ahmed, "returned")],
        returnIssues: [
          {
            id: "i-1",
            provider: ahmed,
            reason: "Wrong patient file.",
            resolved: false,
            openedAt: "2025-02-03T10:00:00Z",
            resolvable: false,
          },
        ],
        actions: actions({
          request_documents: NOT_YOURS,
          return_case: NOT_YOURS,
          submit_opinion: { code: "invalid_status", message: "You cannot submit an opinion while your assignment is returned." },
        }),
      }),
    });
    await user.click(await screen.findByTestId("action-request-documents"));
    await user.click(await screen.findByTestId("request-note-confirm"));
    expect(await screen.findByText("Say which documents you need")).toBeInTheDocument();
    await user.type(screen.getByTestId("request-note-input"), "  The stress echo.  ");
    await user.click(screen.getByTestId("request-note-confirm"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith("request_documents", { caseId: reviewing.id, note: "The stress echo." }, undefined),
    );
    const request = await screen.findByTestId("document-request");
    expect(request).toHaveAttribute("data-open", "true");
    expect(within(request).getByTestId("document-request-status")).toHaveTextContent("Open");

    await user.click(screen.getByTestId("action-return-case"));
    await user.type(await screen.findByTestId("reason-input"), "Wrong patient file.");
    await user.click(screen.getByTestId("reason-confirm"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith("return_case", { caseId: reviewing.id, reason: "Wrong patient file." }, undefined),
    );
    const issue = await screen.findByTestId("return-issue");
    expect(issue).toHaveTextContent("Wrong patient file.");
    expect(within(issue).queryByTestId("action-resolve-return")).not.toBeInTheDocument();
    // Returned: the form stays open for the draft, the submit waits with the reason.
    expect(screen.getByTestId("opinion-form")).toBeInTheDocument();
    expect(screen.getByTestId("action-submit-opinion")).toBeDisabled();
    expect(screen.getByTestId("action-submit-opinion-reason")).toHaveTextContent("while your assignment is returned");
  });

  it("restores the opinion draft, autosaves it, and submits the structured opinion", async () => {
    const reviewing = caseDetail({
      status: "doctors_assigned",
      assignments: [assignment(ahmed, "in_progress")],
      actions: actions({ submit_opinion: true, request_documents: true, return_case: true }),
      opinionDraftAllowed: true,
    });
    const saved: unknown[] = [];
    const user = setup(reviewing, {
      opinion_draft: () => ({ assessment: "Half written", diagnosis: "", recommendations: "", answers: "", references: "" }),
      save_opinion_draft: (args) => {
        saved.push(args);
        return null;
      },
      submit_opinion: () => ({
        ...reviewing,
        assignments: [assignment(ahmed, "done")],
        opinions: [ahmedOpinion],
        actions: actions({ submit_opinion: { code: "invalid_status", message: "You cannot submit an opinion while your assignment is done." } }),
        opinionDraftAllowed: false,
      }),
    });
    const assessment = await screen.findByTestId("opinion-assessment");
    expect(assessment).toHaveValue("Half written");
    expect(screen.getByTestId("opinion-draft-status")).toHaveTextContent("Draft restored");

    await user.type(screen.getByTestId("opinion-diagnosis"), "Stable CAD.");
    await waitFor(() => expect(screen.getByTestId("opinion-draft-status")).toHaveTextContent("Draft saved"), {
      timeout: 3000,
    });
    expect(saved.length).toBeGreaterThanOrEqual(1);
    expect(saved.length).toBeLessThan("Stable CAD.".length);
    expect(saved.at(-1)).toEqual({
      caseId: reviewing.id,
      draft: { assessment: "Half written", diagnosis: "Stable CAD.", recommendations: "", answers: "", references: "" },
    });

    await user.click(screen.getByTestId("action-submit-opinion"));
    expect(await screen.findByText("Recommendations is required")).toBeInTheDocument();
    expect(callsOf("submit_opinion")).toHaveLength(0);

    await user.type(screen.getByTestId("opinion-recommendations"), "Bypass surgery. ");
    await user.type(screen.getByTestId("opinion-answers"), "Yes.");
    await user.click(screen.getByTestId("action-submit-opinion"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith(
        "submit_opinion",
        {
          caseId: reviewing.id,
          opinion: {
            assessment: "Half written",
            diagnosis: "Stable CAD.",
            recommendations: "Bypass surgery.",
            answers: "Yes.",
            references: "",
          },
        },
        undefined,
      ),
    );
    const card = await screen.findByTestId("opinion-card");
    expect(card).toHaveTextContent("Dr. Ahmed");
    expect(within(card).getByTestId("provider-specialty")).toHaveTextContent("Cardiology");
    expect(within(card).getByTestId("opinion-card-diagnosis")).toHaveTextContent("Stable CAD.");
    expect(screen.queryByTestId("opinion-form")).not.toBeInTheDocument();
  });

  it("shows the core's field refusal of an opinion on its field", async () => {
    const reviewing = caseDetail({
      status: "doctors_assigned",
      assignments: [assignment(ahmed, "in_progress")],
      actions: actions({ submit_opinion: true }),
      opinionDraftAllowed: true,
    });
    const user = setup(reviewing, {
      opinion_draft: () => ({
        assessment: ahmedOpinion.assessment,
        diagnosis: ahmedOpinion.diagnosis,
        recommendations: ahmedOpinion.recommendations,
        answers: "",
        references: "",
      }),
      save_opinion_draft: () => null,
      submit_opinion: () => fail("invalid_input", "The diagnosis contains control characters.", "diagnosis"),
    });
    await user.click(await screen.findByTestId("action-submit-opinion"));
    await waitFor(() => expect(screen.getByTestId("opinion-diagnosis")).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getByTestId("error-notification")).toHaveAttribute("data-error-code", "invalid_input");
    expect(screen.queryByTestId("opinion-error")).not.toBeInTheDocument();
    expect(screen.getByTestId("opinion-form")).toHaveTextContent("The diagnosis contains control characters.");
  });

  it("opens the opinion form exactly when the core allows a draft, whatever the assignment's status", async () => {
    // A returned review on a case that closed meanwhile: the core keeps no draft, so no form.
    setup(
      caseDetail({
        status: "cancelled",
        assignments: [assignment(ahmed, "returned")],
        actions: actions({ submit_opinion: { code: "invalid_status", message: "This case is cancelled; it can no longer change." } }),
        opinionDraftAllowed: false,
      }),
    );
    expect(await screen.findByTestId("action-submit-opinion")).toBeDisabled();
    expect(screen.queryByTestId("opinion-form")).not.toBeInTheDocument();
  });

  it("lets the requester answer an open document request with an upload", async () => {
    const asked = caseDetail({
      status: "doctors_assigned",
      documentRequests: [{ id: "r-1", provider: ahmed, note: "The stress echo.", open: true, requestedAt: "2025-02-03T09:00:00Z" }],
      actions: actions({ add_document: true, cancel: true }),
    });
    const user = setup(asked, {
      stage_document: () => ({ name: "echo.pdf", mediaType: "application/pdf", sha256: "f".repeat(64), sizeBytes: 3 }),
      add_document: () => ({
        ...asked,
        documentRequests: [{ ...asked.documentRequests[0]!, open: false }],
        actions: actions({ add_document: { code: "invalid_status", message: "Only in answer to a request." }, cancel: true }),
      }),
    });
    const request = await screen.findByTestId("document-request");
    expect(request).toHaveTextContent("The stress echo.");
    expect(request).toHaveTextContent("Dr. Ahmed");
    expect(screen.queryByTestId("case-files")).not.toBeInTheDocument();
    expect(screen.getByTestId("add-document-answering")).toBeInTheDocument();
    await user.upload(screen.getByTestId("request-upload"), new File(["pdf"], "echo.pdf", { type: "application/pdf" }));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith(
        "add_document",
        {
          caseId: asked.id,
          document: { name: "echo.pdf", kind: "medical_report", mediaType: "application/pdf", sha256: "f".repeat(64), sizeBytes: 3 },
        },
        undefined,
      ),
    );
    await waitFor(() => expect(screen.getByTestId("document-request")).toHaveAttribute("data-open", "false"));
    expect(screen.queryByTestId("request-upload")).not.toBeInTheDocument();
  });

  it("lets the coordinator resolve a return issue and submit the final summary", async () => {
    const returned = caseDetail({
      status: "doctors_assigned",
      assignments: [assignment(ahmed, "returned")],
      returnIssues: [
        { id: "i-1", provider: ahmed, reason: "Images missing.", resolved: false, openedAt: "2025-02-03T10:00:00Z", resolvable: true },
      ],
      actions: actions({
        assign_providers: true,
        resolve_return: true,
        submit_final_summary: {
          code: "invalid_status",
          message: "Every assigned specialist must submit an opinion before the final summary.",
        },
      }),
    });
    const done = caseDetail({
      status: "doctors_assigned",
      assignments: [assignment(ahmed, "done")],
      opinions: [ahmedOpinion],
      returnIssues: [{ ...returned.returnIssues[0]!, resolved: true, resolvable: false }],
      actions: actions({ assign_providers: true, resolve_return: NOT_YOURS, submit_final_summary: true }),
    });
    const user = setup(returned, {
      resolve_return: () => done,
      submit_final_summary: () => ({
        ...done,
        status: "completed",
        finalSummary: "Bypass surgery is recommended.",
        completedAt: "2025-02-06T09:00:00Z",
        actions: [],
      }),
    });
    expect(await screen.findByTestId("action-submit-final-summary-reason")).toHaveTextContent(
      "Every assigned specialist must submit an opinion",
    );
    await user.click(screen.getByTestId("action-resolve-return"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith("resolve_return", { caseId: returned.id, issueId: "i-1" }, undefined),
    );
    await waitFor(() => expect(screen.getByTestId("return-issue")).toHaveAttribute("data-resolved", "true"));
    expect(screen.queryByTestId("action-resolve-return")).not.toBeInTheDocument();
    expect(screen.getByTestId("opinion-card")).toHaveTextContent("Bypass surgery.");

    await user.click(screen.getByTestId("action-submit-final-summary"));
    await user.click(await screen.findByTestId("final-summary-confirm"));
    expect(await screen.findByText("The final summary is required")).toBeInTheDocument();
    await user.type(screen.getByTestId("final-summary-input"), "Bypass surgery is recommended.");
    await user.click(screen.getByTestId("final-summary-confirm"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith(
        "submit_final_summary",
        { caseId: returned.id, summary: "Bypass surgery is recommended." },
        undefined,
      ),
    );
    expect(await screen.findByTestId("case-final-summary")).toHaveTextContent("Bypass surgery is recommended.");
    expect(screen.getByTestId("case-status")).toHaveTextContent(/^Completed$/);
  });

  it("lets the coordinator send the overdue reminder when an opinion is overdue, and no one else", async () => {
    const overdue = caseDetail({ status: "doctors_assigned", talk: talk({ canSendOverdueReminder: true }) });
    const user = setup(overdue, { send_overdue_reminder: () => overdue });
    await user.click(await screen.findByTestId("action-send-overdue-reminder"));
    await waitFor(() => expect(callsOf("send_overdue_reminder")).toEqual([[{ caseId: overdue.id }, undefined]]));
    expect(await screen.findByText("The specialists whose opinion is overdue were reminded.")).toBeInTheDocument();
  });

  it("offers no overdue reminder without canSendOverdueReminder", async () => {
    setup(caseDetail({ status: "doctors_assigned" }));
    await screen.findByTestId("case-status");
    expect(screen.queryByTestId("action-send-overdue-reminder")).not.toBeInTheDocument();
  });
});
