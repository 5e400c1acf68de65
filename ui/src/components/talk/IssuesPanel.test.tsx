import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CaseDetail } from "../../api/types";
import { CaseDetailPage } from "../../pages/CaseDetailPage";
import { actions, caseDetail, catalog, issue, patient, provider, talk } from "../../test/fixtures";
import { callsOf, fail, type Handler, invokeMock, routeInvoke } from "../../test/invoke";
import { renderWithProviders } from "../../test/render";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

function setup(detail: CaseDetail, extra: Record<string, Handler> = {}) {
  routeInvoke({
    get_case: () => detail,
    catalog: () => catalog,
    list_cases: () => [],
    list_patients: () => [patient],
    mark_appointments_seen: () => null,
    ...extra,
  });
  const user = userEvent.setup();
  renderWithProviders(<CaseDetailPage caseId={detail.id} />);
  return user;
}

const returnIssue = issue({
  id: "r-1",
  isReturn: true,
  title: "Case returned",
  description: "Wrong specialty: this is a valve case.",
});

const withIssues = (overrides: Partial<CaseDetail> = {}, talkOverrides: Partial<CaseDetail["talk"]> = {}) =>
  caseDetail({
    status: "doctors_assigned",
    returnIssues: [
      {
        id: "r-1",
        provider: { id: provider.id, name: provider.name, specialties: ["Cardiology"] },
        reason: "Wrong specialty: this is a valve case.",
        resolved: false,
        openedAt: "2030-04-30T09:00:00Z",
        resolvable: true,
      },
    ],
    talk: talk({ issues: [returnIssue, issue()], ...talkOverrides }),
    ...overrides,
  });

async function openIssues(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByTestId("tab-issues"));
  return screen.findByTestId("issues-panel");
}

describe("A case's issues", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("shows a requester every issue, return issues marked, with nothing to change", async () => {
    const user = setup(withIssues());
    expect(await screen.findByTestId("tab-issues-open")).toHaveTextContent("2");
    const panel = await openIssues(user);
    const cards = within(panel).getAllByTestId("issue");
    expect(cards).toHaveLength(2);
    expect(within(cards[0]!).getByTestId("issue-return")).toHaveTextContent("Return");
    expect(within(cards[0]!).getByTestId("issue-description-text")).toHaveTextContent("Wrong specialty");
    expect(within(cards[1]!).queryByTestId("issue-return")).not.toBeInTheDocument();
    expect(within(cards[1]!).getByTestId("issue-status")).toHaveTextContent("Open");
    expect(cards[1]).toHaveTextContent("Reported by Dr. Pia Provider (Provider)");
    expect(within(panel).queryByRole("button")).not.toBeInTheDocument();
  });

  it("resolves a return issue with resolve_return, as the review does", async () => {
    const detail = withIssues({ actions: actions({ resolve_return: true }) });
    const user = setup(detail, {
      resolve_return: () => withIssues({}, { issues: [{ ...returnIssue, resolved: true }] }),
    });
    const panel = await openIssues(user);
    const [returned] = within(panel).getAllByTestId("issue");
    await user.click(within(returned!).getByTestId("issue-resolve"));
    await waitFor(() => expect(callsOf("resolve_return")).toEqual([[{ caseId: "c-1", issueId: "r-1" }, undefined]]));
    expect(callsOf("resolve_issue")).toHaveLength(0);
  });

  it("reports an issue: the title is required", async () => {
    const user = setup(withIssues({}, { canReportIssue: true }), {
      report_issue: () => withIssues({}, { canReportIssue: true }),
    });
    const panel = await openIssues(user);
    await user.click(within(panel).getByTestId("action-report-issue"));
    const form = await screen.findByTestId("issue-form");
    await user.click(within(form).getByTestId("issue-submit"));
    expect(await within(form).findByText("The title is required")).toBeInTheDocument();
    await user.type(within(form).getByTestId("issue-title"), " Missing lab results ");
    await user.type(within(form).getByTestId("issue-description"), "No troponin values.");
    await user.click(within(form).getByTestId("issue-submit"));
    await waitFor(() =>
      expect(callsOf("report_issue")).toEqual([
        [{ caseId: "c-1", input: { title: "Missing lab results", description: "No troponin values." } }, undefined],
      ]),
    );
  });

  it("edits, deletes and resolves a reported issue as its actions allow", async () => {
    const own = issue({ actions: { edit: true, delete: true, resolve: true } });
    const detail = withIssues({}, { issues: [own] });
    const user = setup(detail, {
      edit_issue: () => detail,
      delete_issue: () => withIssues({}, { issues: [] }),
      resolve_issue: () => fail("invalid_status", "The case is closed."),
    });
    const panel = await openIssues(user);
    await user.click(within(panel).getByTestId("issue-edit"));
    const form = await screen.findByTestId("issue-form");
    expect(within(form).getByTestId("issue-title")).toHaveValue("Scan images unreadable");
    await user.type(within(form).getByTestId("issue-title"), " (series 3)");
    await user.click(within(form).getByTestId("issue-submit"));
    await waitFor(() =>
      expect(callsOf("edit_issue")[0]?.[0]).toEqual({
        caseId: "c-1",
        issueId: "i-1",
        input: { title: "Scan images unreadable (series 3)", description: "The CT series is truncated." },
      }),
    );

    await user.click(within(panel).getByTestId("issue-resolve"));
    expect(await screen.findByTestId("error-notification")).toHaveTextContent("The case is closed.");

    await user.click(within(panel).getByTestId("issue-delete"));
    await user.click(await screen.findByTestId("issue-delete-modal-confirm"));
    await waitFor(() => expect(callsOf("delete_issue")).toEqual([[{ caseId: "c-1", issueId: "i-1" }, undefined]]));
    expect(await screen.findByTestId("issues-empty")).toBeInTheDocument();
  });
});
