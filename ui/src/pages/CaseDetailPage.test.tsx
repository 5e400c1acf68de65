import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CaseDetail, UserSummary } from "../api/types";
import {
  actions,
  admin,
  cardioCoordinator,
  caseDetail,
  catalog,
  patient,
  requester,
} from "../test/fixtures";
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

function setup(detail: CaseDetail, who: UserSummary, extra: Record<string, Handler> = {}) {
  routeInvoke({
    get_case: () => detail,
    catalog: () => catalog,
    list_cases: () => [],
    list_patients: () => [patient],
    ...extra,
  });
  const user = userEvent.setup();
  renderWithProviders(<CaseDetailPage caseId={detail.id} user={who} />);
  return user;
}

describe("CaseDetailPage", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("shows the case, its documents and its timeline", async () => {
    setup(submitted, admin);
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
    setup(draft, requester);
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
    const user = setup(submitted, admin, {
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
    const user = setup(submitted, admin, {
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
    const user = setup(draft, requester, {
      cancel_case: () => caseDetail({ status: "cancelled", actions: [] }),
    });
    await user.click(await screen.findByTestId("action-cancel"));
    await user.click(await screen.findByTestId("reason-confirm"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith("cancel_case", { caseId: draft.id, reason: null }, undefined),
    );
    await waitFor(() => expect(screen.getByTestId("case-status")).toHaveTextContent(/^Cancelled$/));
  });

  it("makes an admin give a reason to cancel", async () => {
    const user = setup(submitted, admin);
    await user.click(await screen.findByTestId("action-cancel"));
    await user.click(await screen.findByTestId("reason-confirm"));
    expect(await screen.findByText("A reason is required")).toBeInTheDocument();
    expect(callsOf("cancel_case")).toHaveLength(0);
  });

  it("shows the core's refusal of an action in the modal and as a notification", async () => {
    const user = setup(submitted, admin, {
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
    const user = setup(draft, requester, {
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
    const user = setup(draft, requester, {
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
    setup(submitted, requester, {
      get_case: () => {
        fail("not_found", "Case not found.");
      },
    });
    expect(await screen.findByText("This case does not exist, or you may not see it.")).toBeInTheDocument();
  });
});
